package dev.breakwater.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.firewall.FirewalldLab;
import dev.breakwater.firewall.StateStore;
import dev.breakwater.gather.HostReader;
import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.plan.ReachabilityEngine;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.policy.PolicyTrafficLabTest;
import dev.breakwater.policy.Required;
import dev.breakwater.snapshot.NftJsonReader;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What firewalld does to Breakwater's rules, and how watch puts them back: Debian's firewalld
 * 1.3 ({@link FirewalldLab}: its own D-Bus, its own /run and /etc/firewalld) on the firewall of
 * the namespace host of {@link PolicyTrafficLabTest} (Docker's rules for {@code -p 3306:80},
 * written by the test as dockerd would), with real connections from the allowed source (.3) and
 * a stranger (.2), for both {@code FirewallBackend}s and both of Breakwater's backends.
 *
 * <p>The facts, for either firewalld backend: {@code firewall-cmd --reload},
 * {@code --complete-reload}, firewalld's stop (CleanupOnExit=yes, Debian's default) and its start
 * each run {@code iptables -F; -X; -Z} on every table (firewalld 1.3's {@code fw.py}:
 * {@code flush()} goes over {@code all_backends()}, which holds the iptables backends whenever
 * iptables is there, also with {@code FirewallBackend=nftables}): Docker's chains, their DNAT and
 * the BREAKWATER chain are gone, and the port answers nobody. The {@code inet breakwater} table is
 * not touched (firewalld deletes only its own tables). watch's check says the chain cannot be put
 * back while DOCKER-USER is missing ({@code check-failed}, retried every second); once Docker has
 * created its chains again (dockerd does on firewalld's Reloaded signal, moby
 * {@code libnetwork/firewall_linux.go}; here the test writes them) the next check puts the chain
 * back, and until then Docker's empty DOCKER-USER lets the stranger in. The nft table is in force
 * throughout: the stranger never gets in.
 */
@Tag("lab")
class FirewalldReloadLabTest {
  static final String ALLOWED = "198.51.100.3";
  static final String STRANGER = "198.51.100.2";
  static final Policy POLICY = PolicyFile.parse(
      "interfaces: [eth0]\ndefault: deny\nallow:\n  - port: 3306\n    from: 198.51.100.3\n", "policy.yml");
  /**
   * Docker's chains and rules for {@code -p 3306:80}, as PolicyTrafficLabTest.HOST_RULES, added
   * to what is there ({@code iptables-restore --noflush}) with Docker's FORWARD rules first, as
   * dockerd inserts them: firewalld's own iptables rules (iptables backend) stay after them.
   */
  static final String DOCKER_RULES = """
      *nat
      :DOCKER - [0:0]
      -I PREROUTING 1 -m addrtype --dst-type LOCAL -j DOCKER
      -I POSTROUTING 1 -s 198.18.0.0/24 ! -o docker0 -j MASQUERADE
      -A DOCKER -i docker0 -j RETURN
      -A DOCKER ! -i docker0 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 198.18.0.2:80
      COMMIT
      *filter
      :FORWARD DROP [0:0]
      :DOCKER - [0:0]
      :DOCKER-USER - [0:0]
      -I FORWARD 1 -i docker0 ! -o docker0 -j ACCEPT
      -I FORWARD 1 -o docker0 -j DOCKER
      -I FORWARD 1 -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -I FORWARD 1 -j DOCKER-USER
      -A DOCKER -d 198.18.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
      -A DOCKER-USER -j RETURN
      COMMIT
      """;

  @TempDir Path tmp;

  @ParameterizedTest(name = "FirewallBackend={0}")
  @EnumSource(FirewalldLab.Backend.class)
  void firewalldFlushesDockersChainsAndOursButNotTheNftTableAndWatchPutsThePolicyBack(FirewalldLab.Backend firewalld) throws Exception {
    RootCheck.assumeRoot("needs root for network and mount namespaces");
    Required.that(FirewalldLab.installed(), "needs firewalld, firewall-cmd and dbus-daemon (Debian packages firewalld, dbus)");
    Required.that(NetfilterTools.Tool.NFT.installed(), "needs nft");
    Required.that(CommandRunner.find("curl").isPresent(), "needs curl");
    Required.that(CommandRunner.find("busybox").isPresent(), "needs busybox");
    String rootBefore = FirewalldLab.rootFirewall();
    Throwable failure = null;
    try {
      run(firewalld);
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      // Also when the run failed (the failure then rides along, suppressed): firewalld must have
      // touched nothing outside the namespace.
      try {
        assertThat(FirewalldLab.rootFirewall()).as("the root namespace's firewall is as before the test").isEqualTo(rootBefore);
      } catch (AssertionError rootChanged) {
        if (failure != null) {
          rootChanged.addSuppressed(failure);
        }
        throw rootChanged;
      }
    }
  }

  private void run(FirewalldLab.Backend firewalld) throws Exception {
    PolicyTrafficLabTest servers = new PolicyTrafficLabTest();
    servers.tmp = tmp;
    try (TestNamespace host = new TestNamespace(); TestNamespace container = new TestNamespace(); TestNamespace attacker = new TestNamespace()) {
      try {
        PolicyTrafficLabTest.wire(host, container, attacker);
        Files.writeString(Files.createDirectories(tmp.resolve("www")).resolve("index.html"), "container\n");
        servers.serve(container, 80, tmp.resolve("www"));
        try (FirewalldLab lab = FirewalldLab.prepare(host, tmp.resolve("firewalld"), firewalld)) {
          // As at boot: firewalld.service, then docker.service (After=firewalld.service), then Breakwater.
          lab.startFirewalld();
          assertFirewalldRules(host, firewalld, true);
          assertThat(lab.firewallCmd("--get-default-zone").strip()).isEqualTo("public");
          dockerCreatesItsChains(host);
          Probe probe = new Probe(attacker);
          assertThat(probe.reaches(STRANGER)).as("the incident: firewalld's zones do not cover a port Docker DNATs").isTrue();

          for (FirewallBackend backend : List.of(FirewallBackend.IPTABLES, FirewallBackend.NFT)) {
            Watch watch = new Watch(host, backend, tmp.resolve("state-" + backend.label()));
            assertThat(watch.check()).as("%s", watch.lines).isEqualTo(DriftCheck.Result.CORRECTED);
            probe.assertProtected(backend + ", applied by watch's first check");

            Flush flush = new Flush(host, lab, probe, watch, backend);
            flush.survive("firewall-cmd --reload", () -> lab.firewallCmd("--reload"));
            flush.survive("firewall-cmd --complete-reload", () -> lab.firewallCmd("--complete-reload"));
            flush.survive("firewalld stopped (CleanupOnExit=yes)", lab::stopFirewalld);
            assertFirewalldRules(host, firewalld, false);
            flush.survive("firewalld started", lab::startFirewalld);
            System.out.println(firewalld + ", " + backend + ": watch's lines:\n" + String.join("\n", watch.lines));
            assertThat(watch.lines).noneMatch(l -> l.contains("event=correction-refused") || l.contains("event=apply-failed"));
            removeBreakwater(host, backend);
          }
        }
        assertFirewalldRules(host, firewalld, false);
      } finally {
        for (Process p : servers.servers) {
          p.destroy();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** One event that flushes iptables, what it leaves, and watch's recovery. */
  record Flush(TestNamespace host, FirewalldLab lab, Probe probe, Watch watch, FirewallBackend backend) {
    interface Event {
      void run() throws Exception;
    }

    void survive(String event, Event action) throws Exception {
      String when = backend + ", " + event;
      action.run();
      String v4 = host.save("iptables-save");
      assertThat(v4).as(when + ": Docker's chains and DNAT are gone%s", lab.log("firewalld.log"))
          .doesNotContain(":DOCKER-USER").doesNotContain(":DOCKER ").doesNotContain("-j DNAT");
      assertThat(v4).as(when + ": the BREAKWATER chain is gone").doesNotContain("BREAKWATER");
      assertThat(probe.reaches(ALLOWED)).as(when + ": without Docker's DNAT the port answers nobody").isFalse();
      assertThat(probe.reaches(STRANGER)).isFalse();
      if (backend == FirewallBackend.IPTABLES) {
        int before = watch.lines.size();
        assertThat(watch.check()).as(when + ": %s", watch.lines).isEqualTo(DriftCheck.Result.FAILED);
        assertThat(watch.lines.subList(before, watch.lines.size())).as(when + ": watch says why")
            .filteredOn(l -> l.contains("event=check-failed")).singleElement().satisfies(line ->
                assertThat(line).contains("IPv4: DOCKER-USER is gone", "restart docker"));
        assertThat(watch.lines.subList(before, watch.lines.size())).as(when + ": one line").hasSize(1);
        dockerCreatesItsChains(host);
        assertThat(probe.reaches(STRANGER)).as(when + ": until watch's next check Docker's empty DOCKER-USER lets the stranger in").isTrue();
        before = watch.lines.size();
        assertThat(watch.check()).as(when + ": %s", watch.lines).isEqualTo(DriftCheck.Result.CORRECTED);
        assertThat(watch.lines.subList(before, watch.lines.size())).as(when).anySatisfy(l -> assertThat(l).contains("event=check-recovered"))
            .anySatisfy(l -> assertThat(l).contains("event=drift-corrected", "family=ipv4", "jump=chain-created"));
      } else {
        assertThat(host.run("nft", "list", "tables")).as(when + ": firewalld leaves other tables alone").contains("table inet breakwater");
        int before = watch.lines.size();
        assertThat(watch.check()).as(when + ": the table is in force as it was: %s", watch.lines).isEqualTo(DriftCheck.Result.IN_FORCE);
        assertThat(watch.lines.subList(before, watch.lines.size())).as(when + ": nothing to say, the table needs no DOCKER-USER").isEmpty();
        dockerCreatesItsChains(host);
        assertThat(probe.reaches(STRANGER)).as(when + ": the table keeps the stranger out as soon as Docker's DNAT is back").isFalse();
        assertThat(watch.check()).as(when + ": %s", watch.lines).isEqualTo(DriftCheck.Result.IN_FORCE);
      }
      probe.assertProtected(when + ", after watch's check");
    }
  }

  /** watch's checks ({@link DriftCheck}, proved before each correction) on the namespace host's live firewall. */
  static final class Watch {
    final List<String> lines = new ArrayList<>();
    private final DriftCheck check;

    Watch(TestNamespace host, FirewallBackend backend, Path state) {
      NetfilterTools tools = NetfilterTools.in(host.namespace());
      // The whole host as watch reads it: iptables-save and, beside it, nft's tables (firewalld's).
      HostReader reader = () -> {
        Ruleset v4 = IptablesSaveParser.parse(host.save("iptables-save"), IpFamily.V4, "iptables-save (lab)");
        List<String> notes = new ArrayList<>();
        Ruleset whole = tools.nftRuleset().map(t -> SnapshotDirectory.withNft(v4, NftJsonReader.parse(t, "nft -j list ruleset (lab)"), notes))
            .orElse(v4);
        return PolicyTrafficLabTest.facts(whole);
      };
      ApplyTransaction transaction = new ApplyTransaction(tools, new StateStore(state), backend);
      Enforcer enforcer = backend == FirewallBackend.NFT ? NftEnforcer.of(transaction) : transaction::apply;
      check = new DriftCheck(POLICY, reader, enforcer, CorrectionProof.engine(new ReachabilityEngine(), backend), Aftercare.NONE,
          InstantSource.system(), new WatchLog(InstantSource.system(), lines::add), new WatchMetrics(new PrometheusRegistry()));
    }

    /** A check as at the interval (the first one as at start). */
    DriftCheck.Result check() {
      return check.check(List.of(lines.isEmpty() ? new Trigger.Startup(Instant.now()) : new Trigger.Periodic(Instant.now())));
    }
  }

  /** Connections from the attacker's two addresses to the published port. */
  record Probe(TestNamespace attacker) {
    boolean reaches(String source) throws Exception {
      // One second is plenty between two veths; the policy drops, so a refused source waits it out.
      return PolicyTrafficLabTest.get(attacker, source, "http://198.51.100.1:3306/", 1).contains("container");
    }

    void assertProtected(String when) throws Exception {
      assertThat(reaches(ALLOWED)).as("the allowed source reaches 3306: " + when).isTrue();
      assertThat(reaches(STRANGER)).as("the stranger does not reach 3306: " + when).isFalse();
    }
  }

  /**
   * firewalld's own rules in the namespace, or none: its {@code inet firewalld} table
   * (FirewallBackend=nftables), its {@code INPUT_direct} chain (iptables, firewalld's
   * {@code ipXtables.py} default rules).
   */
  static void assertFirewalldRules(TestNamespace host, FirewalldLab.Backend firewalld, boolean running) {
    String rules = firewalld == FirewalldLab.Backend.NFTABLES ? host.run("nft", "list", "tables") : host.save("iptables-save");
    String mark = firewalld == FirewalldLab.Backend.NFTABLES ? "table inet firewalld" : ":INPUT_direct";
    if (running) {
      assertThat(rules).as("firewalld runs on this namespace's firewall").contains(mark);
    } else {
      assertThat(rules).as("firewalld stopped and cleaned up after itself").doesNotContain(mark);
    }
  }

  /** What dockerd does at its start, and again when firewalld announces a reload on D-Bus. */
  static void dockerCreatesItsChains(TestNamespace host) {
    host.run(List.of("iptables-restore", "--noflush"), DOCKER_RULES);
  }

  /** The chain (with its jump) or the table, so the next backend starts from Docker's rules alone. */
  static void removeBreakwater(TestNamespace host, FirewallBackend backend) {
    if (backend == FirewallBackend.NFT) {
      host.run("nft", "delete", "table", "inet", "breakwater");
    } else {
      host.run("iptables", "-D", "DOCKER-USER", "-j", "BREAKWATER");
      host.run("iptables", "-F", "BREAKWATER");
      host.run("iptables", "-X", "BREAKWATER");
    }
    assertThat(host.save("iptables-save")).doesNotContain("BREAKWATER");
  }
}
