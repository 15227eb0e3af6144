package dev.breakwater.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.gather.HostReader;
import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.plan.PlanDiff;
import dev.breakwater.plan.ReachabilityEngine;
import dev.breakwater.policy.ChainState;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.snapshot.Corpus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every correction is proved before it is applied; one whose proof fails changes nothing. */
class CorrectionProofTest {
  static final Instant T0 = Instant.parse("2026-11-24T16:00:00Z");

  FakeClock clock;
  FakeHost host;
  FakeNftTable nft;
  List<String> lines;
  WatchMetrics metrics;
  List<String> problems;
  List<CompiledPolicy> proved;

  @BeforeEach
  void setUp() {
    clock = new FakeClock(T0);
    host = new FakeHost(clock);
    nft = new FakeNftTable();
    lines = new ArrayList<>();
    metrics = new WatchMetrics(new PrometheusRegistry());
    problems = new ArrayList<>();
    proved = new ArrayList<>();
  }

  DriftCheck check(Enforcer enforcer) {
    CorrectionProof proof = (now, compiled) -> {
      proved.add(compiled);
      return problems.isEmpty() ? CorrectionProof.Finding.PROVED : CorrectionProof.Finding.refuted(problems);
    };
    return new DriftCheck(WatchLoopTest.POLICY, host, enforcer, proof, Aftercare.NONE, clock, new WatchLog(clock, lines::add), metrics);
  }

  static Trigger started(String container) {
    return new Trigger.Docker(new WatchEvent(WatchEvent.Kind.CONTAINER_START, container, T0));
  }

  @Test
  void aCorrectionWhoseProofFailsIsRefusedLoggedCountedAndTheChainStaysAsItWas() {
    DriftCheck check = check(host);
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    assertThat(check.check(List.of(new Trigger.Startup(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);
    List<String> before = List.copyOf(host.chain);
    lines.clear();

    problems.add("0.0.0.0:3306/tcp (db): would still be reachable from 203.0.113.0/24, outside its allows (198.51.100.66/32)");
    host.containers.add(FakeHost.container("db", 3306, Map.of("breakwater.allow", "198.51.100.66/32")));

    assertThat(check.check(List.of(started("db")))).isEqualTo(DriftCheck.Result.REFUSED);

    assertThat(proved).as("the proof saw the very rules the apply would write").last()
        .satisfies(c -> assertThat(c.rules(IpFamily.V4)).anyMatch(r -> r.contains("--ctorigdstport 3306")));
    assertThat(host.applies).as("only the start-up correction was applied").hasSize(1);
    assertThat(host.chain).isEqualTo(before);
    assertThat(lines).containsExactly("ts=2026-11-24T16:00:00Z event=correction-refused reason=proof-failed problems=\"0.0.0.0:3306/tcp (db):"
        + " would still be reachable from 203.0.113.0/24, outside its allows (198.51.100.66/32)\" cause=container-start container=db");
    assertThat(metrics.refusedCorrections()).isEqualTo(1);
    assertThat(metrics.checks("refused")).isEqualTo(1);
    assertThat(metrics.driftCorrections()).isEqualTo(1);

    // The same problem at the next check: counted again, logged once; then the proof holds.
    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.REFUSED);
    assertThat(metrics.refusedCorrections()).isEqualTo(2);
    assertThat(lines).hasSize(1);
    problems.clear();
    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);
    assertThat(host.applies).hasSize(2);
    assertThat(host.chain).contains("-A BREAKWATER -s 198.51.100.66/32 -p tcp -m conntrack --ctorigdstport 3306 --ctdir ORIGINAL -j RETURN");
    assertThat(lines.get(1)).contains("event=check-recovered");
  }

  @Test
  void puttingBackTheRulesInForceBeforeADriftIsAppliedUnprovedWhenItOnlyNarrowsWhoGetsIn() {
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    boolean[] failing = {false};
    DriftCheck check = new DriftCheck(WatchLoopTest.POLICY, host, host,
        (now, compiled) -> failing[0]
            ? new CorrectionProof.Finding(List.of("0.0.0.0:8080/tcp (web): would possibly be reachable from 0.0.0.0/0"), true)
            : CorrectionProof.Finding.PROVED,
        Aftercare.NONE, clock, new WatchLog(clock, lines::add), metrics);
    assertThat(check.check(List.of(new Trigger.Startup(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);

    failing[0] = true;
    host.chain.clear(); // the drift: someone flushed the rules
    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);
    assertThat(host.applies).hasSize(2);
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("event=correction-unproved", "applied=narrows-only",
        "would possibly be reachable"));
    assertThat(metrics.refusedCorrections()).isZero();

    // A new correction (another container) is never applied unproved, narrowing or not.
    host.containers.add(FakeHost.container("db", 3306, Map.of()));
    assertThat(check.check(List.of(started("db")))).isEqualTo(DriftCheck.Result.REFUSED);
    assertThat(host.applies).hasSize(2);
  }

  @Test
  void aProofThatCannotRunRefusesToo() {
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    DriftCheck check = new DriftCheck(WatchLoopTest.POLICY, host, host, (now, compiled) -> {
      throw new IllegalStateException("iptables-save -t nat failed");
    }, Aftercare.NONE, clock, new WatchLog(clock, lines::add), metrics);

    assertThat(check.check(List.of(new Trigger.Startup(T0)))).isEqualTo(DriftCheck.Result.REFUSED);

    assertThat(host.applies).isEmpty();
    assertThat(host.chainExists).isFalse();
    assertThat(lines).singleElement().asString().contains("event=correction-refused",
        "problems=\"the proof could not run: iptables-save -t nat failed\"");
  }

  @Test
  void theNftBackendIsProvedBeforeItsTableIsReplacedOrItsElementsChange() {
    DriftCheck check = check(nft);
    host.containers.add(FakeHost.container("web", 9090, Map.of("breakwater.allow", "198.51.100.66/32")));
    assertThat(check.check(List.of(new Trigger.Startup(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);
    String table = nft.table.orElseThrow();

    problems.add("0.0.0.0:9090/tcp (web): allowed source 198.51.100.66/32 reaches it now and would not after the change");
    host.containers.clear();
    host.containers.add(FakeHost.container("web", 9090, Map.of("breakwater.allow", "198.51.100.67/32")));

    assertThat(check.check(List.of(started("web")))).isEqualTo(DriftCheck.Result.REFUSED);
    assertThat(nft.updates).isEmpty();
    assertThat(nft.replaces).hasSize(1);
    assertThat(nft.table).contains(table);
    assertThat(proved).hasSize(2);
  }

  /** The real engine on a real host's rules: a policy guarding the wrong interface is refused. */
  @Test
  void theEngineRefusesACorrectionThatLeavesThePortOpenAndAppliesOneThatCloses() {
    HostFacts corpus = Corpus.facts("docker-28-ipv6");
    HostReader reader = () -> corpus;
    List<CompiledPolicy> applied = new ArrayList<>();
    Enforcer enforcer = compiled -> {
      applied.add(compiled);
      return new ApplyTransaction.Outcome(Map.of(
          IpFamily.V4, PlanDiff.between(IpFamily.V4, ChainState.of(corpus.ipv4()), compiled.rules(IpFamily.V4)),
          IpFamily.V6, PlanDiff.between(IpFamily.V6, ChainState.of(corpus.ipv6().orElseThrow()), compiled.rules(IpFamily.V6))));
    };
    CorrectionProof engine = CorrectionProof.engine(new ReachabilityEngine(), FirewallBackend.IPTABLES);
    String allows = "allow:\n  - port: 9200\n    from: [198.51.100.0/24, 2001:db8:1::/48]\n  - port: 8080\n    from: any\n";

    DriftCheck wrong = new DriftCheck(PolicyFile.parse("interfaces: [eth1]\n" + allows, "wrong.yml"), reader, enforcer, engine,
        Aftercare.NONE, clock, new WatchLog(clock, lines::add), metrics);
    assertThat(wrong.check(List.of(new Trigger.Startup(T0)))).isEqualTo(DriftCheck.Result.REFUSED);
    assertThat(applied).isEmpty();
    assertThat(lines).singleElement().asString().contains("event=correction-refused", "0.0.0.0:9200/tcp",
        "would still be reachable from every IPv4 address except 198.51.100.0/24");

    DriftCheck right = new DriftCheck(PolicyFile.parse("interfaces: [eth0]\n" + allows, "right.yml"), reader, enforcer, engine,
        Aftercare.NONE, clock, new WatchLog(clock, lines::add), metrics);
    assertThat(right.check(List.of(new Trigger.Startup(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);
    assertThat(applied).singleElement().satisfies(c -> assertThat(c.rules(IpFamily.V4))
        .contains("-A BREAKWATER -i eth0 -p tcp -m conntrack --ctstate NEW --ctorigdstport 9200 --ctdir ORIGINAL -j DROP"));
  }

  /**
   * With a proof, a check reads the whole host once and proves on that very read: the policy it
   * proves was compiled from it (a new container's port and its allow are in both), and no second
   * read of containers or tables stands between the event and the correction.
   */
  @Test
  void aProvedCheckReadsTheWholeHostOnceAndProvesOnTheReadItCompiledFrom() {
    List<HostFacts> provedOn = new ArrayList<>();
    DriftCheck check = new DriftCheck(WatchLoopTest.POLICY, host, host, (now, compiled) -> {
      provedOn.add(now);
      return CorrectionProof.Finding.PROVED;
    }, Aftercare.NONE, clock, new WatchLog(clock, lines::add), metrics);
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    assertThat(check.check(List.of(new Trigger.Startup(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);
    host.containers.add(FakeHost.container("db", 3306, Map.of("breakwater.allow", "198.51.100.66/32")));
    int reads = host.reads;

    assertThat(check.check(List.of(started("db")))).isEqualTo(DriftCheck.Result.CORRECTED);

    assertThat(host.reads - reads).as("one read for the check and its proof").isEqualTo(1);
    assertThat(host.wholeReads).isEqualTo(2);
    assertThat(host.containerReads).isZero();
    assertThat(provedOn).last().satisfies(now -> assertThat(now.containers()).extracting(c -> c.name()).contains("/db"));
    assertThat(host.applies).last().satisfies(c -> assertThat(c.rules(IpFamily.V4)).anyMatch(r -> r.contains("--ctorigdstport 3306")));
  }

  @Test
  void withoutAProofADockerEventReadsOnlyTheContainers() {
    DriftCheck check = new DriftCheck(WatchLoopTest.POLICY, host, host, clock, new WatchLog(clock, lines::add), metrics);
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    check.check(List.of(new Trigger.Startup(T0)));
    host.containers.add(FakeHost.container("db", 3306, Map.of()));
    check.check(List.of(started("db")));
    assertThat(host.wholeReads).isZero();
    assertThat(host.containerReads).isEqualTo(1);
  }

  /**
   * The engine walks the host after the correction, and the host before it only when that answer
   * does not decide: a correction that gives exactly the allows is one walk; one that leaves a port
   * open needs the host before too (what the failed proof says about it), with the same problems
   * as plan's two walks. (An IPv6 allow for a container without an IPv6 address is not reached
   * after either, so it needs the host before as well: whether it was reached then.)
   */
  @Test
  void theEngineWalksTheHostBeforeOnlyWhenTheAnswerAfterDoesNotDecide() {
    HostFacts corpus = Corpus.facts("docker-28-ipv6");
    List<HostFacts> walked = new ArrayList<>();
    dev.breakwater.plan.ReachEngine counting = facts -> {
      walked.add(facts);
      return new ReachabilityEngine().observe(facts);
    };
    CorrectionProof engine = CorrectionProof.engine(counting, FirewallBackend.IPTABLES);
    String allows = "allow:\n  - port: 9200\n    from: [198.51.100.0/24]\n  - port: 8080\n    from: any\n";

    CompiledPolicy right = dev.breakwater.policy.PolicyCompiler.compile(corpus, PolicyFile.parse("interfaces: [eth0]\n" + allows, "r.yml"));
    assertThat(engine.prove(corpus, right).problems()).isEmpty();
    assertThat(walked).as("the host after only").singleElement().isNotEqualTo(corpus);
    assertThat(dev.breakwater.plan.Plan.make(corpus, PolicyFile.parse("interfaces: [eth0]\n" + allows, "r.yml"),
        java.util.Optional.of(new ReachabilityEngine())).proved()).isTrue();

    walked.clear();
    dev.breakwater.policy.Policy wrongPolicy = PolicyFile.parse("interfaces: [eth1]\n" + allows, "w.yml");
    CompiledPolicy wrong = dev.breakwater.policy.PolicyCompiler.compile(corpus, wrongPolicy);
    CorrectionProof.Finding refuted = engine.prove(corpus, wrong);
    assertThat(walked).as("after, then before").hasSize(2).contains(corpus);
    assertThat(refuted.problems()).isEqualTo(dev.breakwater.plan.Plan.make(corpus, wrongPolicy,
        java.util.Optional.of(new ReachabilityEngine())).proof().orElseThrow().problems());
  }
}
