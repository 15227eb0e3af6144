package dev.breakwater.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.policy.NftPolicyText;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyFile;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** watch with the nft backend, on fakes: element updates or a table replace, drift read back, the follow-up. */
class NftDriftCheckTest {
  static final Instant T0 = Instant.parse("2026-11-24T16:00:00Z");
  static final Policy POLICY = PolicyFile.parse("""
      interfaces: [eth0]
      default: deny
      labels: true
      allow:
        - port: 8080
          from: 198.51.100.10
      """, "policy.yml");

  FakeClock clock;
  FakeHost host;
  FakeNftTable nft;
  List<String> lines;
  List<Boolean> followUps;
  DriftCheck check;

  @BeforeEach
  void setUp() {
    clock = new FakeClock(T0);
    host = new FakeHost(clock);
    nft = new FakeNftTable();
    lines = new ArrayList<>();
    followUps = new ArrayList<>();
    Aftercare aftercare = (compiled, cut) -> {
      followUps.add(cut);
      return Aftercare.Report.NOTHING;
    };
    check = new DriftCheck(POLICY, host, nft, CorrectionProof.NONE, aftercare, clock, new WatchLog(clock, lines::add), new WatchMetrics(new PrometheusRegistry()));
  }

  static Trigger event(WatchEvent.Kind kind, String container) {
    return new Trigger.Docker(new WatchEvent(kind, container, T0));
  }

  static Container web(String allow) {
    return FakeHost.container("web", 8080, Map.of("breakwater.allow", allow));
  }

  void startedWith(Container... containers) {
    host.containers.addAll(List.of(containers));
    assertThat(check.check(List.of(new Trigger.Startup(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);
    lines.clear();
    followUps.clear();
  }

  @Test
  void startupWithoutTheTableReplacesItAndSaysItWasAbsent() {
    host.containers.add(web("198.51.100.66/32"));

    assertThat(check.check(List.of(new Trigger.Startup(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);

    assertThat(nft.replaces).hasSize(1);
    assertThat(nft.table.orElseThrow()).contains("set allow_tcp_8080_v4", "198.51.100.10/32, 198.51.100.66/32");
    assertThat(lines).singleElement().asString().contains("event=drift-corrected table=\"inet breakwater\" update=table",
        "found=absent", "cause=startup");
    assertThat(followUps).containsExactly(true);
  }

  @Test
  void aReplacedContainerWithOtherAllowsIsOneElementUpdateNotAReplace() {
    startedWith(web("198.51.100.66/32"));
    host.containers.clear();
    host.containers.add(web("198.51.100.67/32"));

    DriftCheck.Result result = check.check(List.of(event(WatchEvent.Kind.CONTAINER_DESTROY, "web"), event(WatchEvent.Kind.CONTAINER_START, "web")));

    assertThat(result).isEqualTo(DriftCheck.Result.CORRECTED);
    assertThat(nft.replaces).as("only the start-up replace").hasSize(1);
    assertThat(nft.updates).singleElement().satisfies(d -> {
      assertThat(d.script()).isEqualTo("""
          delete element inet breakwater allow_tcp_8080_v4 { 198.51.100.66/32 }
          add element inet breakwater allow_tcp_8080_v4 { 198.51.100.67/32 }
          """);
    });
    assertThat(nft.listings).as("an event compares with the table in force, no nft list").isEqualTo(1);
    assertThat(nft.table.orElseThrow()).contains("198.51.100.10/32, 198.51.100.67/32").doesNotContain(".66");
    assertThat(lines).singleElement().asString().contains("update=elements elements_added=1 elements_removed=1",
        "cause=container-destroy,container-start").doesNotContain("found=");
    assertThat(followUps).as(".66 lost its allow: its open sessions are cut").containsExactly(true);
  }

  @Test
  void aWiderAllowIsAnElementUpdateThatCutsNothing() {
    startedWith(web("198.51.100.66/32"));
    host.containers.clear();
    host.containers.add(web("198.51.100.64/28"));

    check.check(List.of(event(WatchEvent.Kind.CONTAINER_START, "web")));

    assertThat(nft.updates).singleElement().satisfies(d -> assertThat(d.script()).isEqualTo("""
        delete element inet breakwater allow_tcp_8080_v4 { 198.51.100.66/32 }
        add element inet breakwater allow_tcp_8080_v4 { 198.51.100.64/28 }
        """));
    assertThat(followUps).containsExactly(false);
  }

  @Test
  void aNewProtectedPortReplacesTheWholeTable() {
    startedWith(web("198.51.100.66/32"));
    host.containers.add(FakeHost.container("db", 3306, Map.of("breakwater.allow", "198.51.100.66/32")));

    check.check(List.of(event(WatchEvent.Kind.CONTAINER_START, "db")));

    assertThat(nft.updates).isEmpty();
    assertThat(nft.replaces).hasSize(2);
    assertThat(nft.table.orElseThrow()).contains("set allow_tcp_3306_v4", "ct original proto-dst 3306");
    assertThat(lines).singleElement().asString().contains("update=table", "cause=container-start", "container=db");
    assertThat(followUps).as("a port new to the policy may have had sessions").containsExactly(true);
  }

  @Test
  void aStartThatChangesNoPortOrSourceChangesNothing() {
    startedWith(web("198.51.100.66/32"));
    host.containers.add(new Container("id-side", "/side", "busybox", Map.of(), "bridge", List.of(), List.of(), List.of(), List.of()));

    assertThat(check.check(List.of(event(WatchEvent.Kind.CONTAINER_START, "side")))).isEqualTo(DriftCheck.Result.IN_FORCE);

    assertThat(nft.updates).isEmpty();
    assertThat(nft.replaces).hasSize(1);
    assertThat(lines).isEmpty();
    assertThat(followUps).isEmpty();
  }

  @Test
  void aDeletedElementIsFoundAtTheIntervalAndAddedBackAsAnElement() {
    startedWith(web("198.51.100.66/32"));
    nft.deleteElement("198.51.100.66/32");
    assertThat(nft.table.orElseThrow()).doesNotContain(".66");

    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);

    assertThat(nft.updates).singleElement().satisfies(d -> assertThat(d.script())
        .isEqualTo("add element inet breakwater allow_tcp_8080_v4 { 198.51.100.66/32 }\n"));
    assertThat(nft.table).contains(NftPolicyText.of(nft.replaces.getFirst()).table());
    assertThat(lines).singleElement().asString().contains("update=elements elements_added=1 elements_removed=0", "found=sets-differ",
        "cause=interval");
    assertThat(followUps).as("after drift, cut: the firewall was not what the policy says").containsExactly(true);
  }

  @Test
  void aFlushedRulesetIsFoundAtTheIntervalAndTheTableReplaced() {
    startedWith(web("198.51.100.66/32"));
    String wanted = nft.table.orElseThrow();
    nft.table = java.util.Optional.empty(); // nft flush ruleset (firewalld's reload with FlushAllOnReload)

    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);

    assertThat(nft.table).contains(wanted);
    assertThat(lines).singleElement().asString().contains("update=table", "found=absent", "cause=interval");
  }

  @Test
  void aTableInForceIsLeftAloneAtTheInterval() {
    startedWith(web("198.51.100.66/32"));

    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.IN_FORCE);

    assertThat(nft.listings).isEqualTo(2);
    assertThat(nft.replaces).hasSize(1);
    assertThat(nft.updates).isEmpty();
    assertThat(lines).isEmpty();
  }

  @Test
  void aChangedRuleIsPutRightByAReplace() {
    startedWith(web("198.51.100.66/32"));
    nft.table = java.util.Optional.of(nft.table.orElseThrow().replace("\t\tct state established,related accept\n", ""));

    check.check(List.of(new Trigger.Periodic(T0)));

    assertThat(nft.updates).isEmpty();
    assertThat(nft.replaces).hasSize(2);
    assertThat(lines).singleElement().asString().contains("update=table", "found=rules-differ");
  }

  @Test
  void anElementUpdateNftRefusesFallsBackToAReplace() {
    startedWith(web("198.51.100.66/32"));
    nft.deleteElement("198.51.100.66/32"); // by hand, unseen by event checks
    host.containers.clear();
    host.containers.add(web("198.51.100.67/32"));

    assertThat(check.check(List.of(event(WatchEvent.Kind.CONTAINER_START, "web")))).isEqualTo(DriftCheck.Result.CORRECTED);

    assertThat(nft.updates).isEmpty();
    assertThat(nft.replaces).hasSize(2);
    assertThat(nft.table.orElseThrow()).contains("198.51.100.10/32, 198.51.100.67/32");
    assertThat(lines).singleElement().asString().contains("update=table", "elements_refused=\"nft -f - refused");
  }

  @Test
  void theFollowUpsCutsAreLogged() {
    DriftCheck cutting = new DriftCheck(POLICY, host, nft, CorrectionProof.NONE,
        (compiled, cut) -> new Aftercare.Report(2, List.of("conntrack is not installed")),
        clock, new WatchLog(clock, lines::add), new WatchMetrics(new PrometheusRegistry()));
    host.containers.add(web("198.51.100.66/32"));

    cutting.check(List.of(new Trigger.Startup(T0)));

    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).contains("event=flows-cut cut=2 cause=startup");
    assertThat(lines.get(2)).contains("event=cut-note note=\"conntrack is not installed\"");
  }

  @Test
  void theIptablesBackendCutsWhenACorrectionNarrowsAnAllow() {
    List<Boolean> cuts = new ArrayList<>();
    DriftCheck chain = new DriftCheck(POLICY, host, host, CorrectionProof.NONE, (compiled, cut) -> {
      cuts.add(cut);
      return Aftercare.Report.NOTHING;
    }, clock, new WatchLog(clock, lines::add), new WatchMetrics(new PrometheusRegistry()));
    host.containers.add(web("198.51.100.64/28"));
    chain.check(List.of(new Trigger.Startup(T0)));
    host.containers.clear();
    host.containers.add(web("198.51.100.66/32"));
    chain.check(List.of(event(WatchEvent.Kind.CONTAINER_START, "web")));
    host.containers.clear();
    host.containers.add(web("198.51.100.64/27"));
    chain.check(List.of(event(WatchEvent.Kind.CONTAINER_START, "web")));

    assertThat(cuts).containsExactly(true, true, false);
    assertThat(host.chain).contains("-A BREAKWATER -s 198.51.100.64/27 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN");
  }

}
