package dev.breakwater.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.firewall.StateStore;
import dev.breakwater.gather.HostReader;
import dev.breakwater.host.Container;
import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.plan.ReachabilityEngine;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.policy.PolicyTrafficLabTest;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * watch's nft backend on real packets: the namespace host of {@link PolicyTrafficLabTest}
 * (Docker's iptables rules for {@code -p 3306:80}, written by the test), the checks of
 * {@link DriftCheck} with the live {@code inet breakwater} table. A container replaced by one
 * with another {@code breakwater.allow} label (its start event answered by one check) changes
 * the set's elements, not a rule (nft's rule handles stay), and the newly allowed source gets in.
 */
@Tag("lab")
class NftWatchLabTest {
  static final Policy POLICY = PolicyFile.parse("interfaces: [eth0]\ndefault: deny\nlabels: true\nallow: []\n", "policy.yml");

  @TempDir Path tmp;

  @Test
  void aStartEventThatOnlyChangesAnAllowIsASetElementUpdateAndTheNewSourceConnects() throws Exception {
    RootCheck.assumeRoot("needs root to create network namespaces");
    Assumptions.assumeTrue(NetfilterTools.Tool.NFT.installed(), "needs nft");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "needs curl");
    PolicyTrafficLabTest servers = new PolicyTrafficLabTest();
    servers.tmp = tmp;
    try (TestNamespace host = new TestNamespace(); TestNamespace container = new TestNamespace(); TestNamespace attacker = new TestNamespace()) {
      try {
        PolicyTrafficLabTest.wire(host, container, attacker);
        host.load("iptables-restore", PolicyTrafficLabTest.HOST_RULES);
        Files.writeString(Files.createDirectories(tmp.resolve("www")).resolve("index.html"), "container\n");
        servers.serve(container, 80, tmp.resolve("www"));
        NetfilterTools tools = NetfilterTools.in(host.namespace());
        List<Container> running = new ArrayList<>(List.of(db("198.51.100.3")));
        HostReader reader = () -> {
          HostFacts lab = PolicyTrafficLabTest.facts(IptablesSaveParser.parse(host.save("iptables-save"), IpFamily.V4, "lab"));
          return new HostFacts(lab.hostname(), lab.interfaces(), lab.routes(), List.copyOf(running), lab.ipv4(), lab.ipv6(),
              lab.ufw(), lab.daemon(), lab.notes());
        };
        List<Boolean> proofs = new ArrayList<>();
        CorrectionProof engine = CorrectionProof.engine(new ReachabilityEngine(), FirewallBackend.NFT);
        CorrectionProof proof = (now, compiled) -> {
          CorrectionProof.Finding finding = engine.prove(now, compiled);
          proofs.add(finding.problems().isEmpty());
          return finding;
        };
        List<String> lines = new ArrayList<>();
        ApplyTransaction transaction = new ApplyTransaction(tools, new StateStore(tmp.resolve("state")), FirewallBackend.NFT);
        DriftCheck check = new DriftCheck(POLICY, reader, NftEnforcer.of(transaction), proof, Aftercare.NONE, InstantSource.system(),
            new WatchLog(InstantSource.system(), lines::add), new WatchMetrics(new PrometheusRegistry()));

        assertThat(check.check(List.of(new Trigger.Startup(java.time.Instant.now())))).isEqualTo(DriftCheck.Result.CORRECTED);
        assertThat(lines.getFirst()).contains("update=table", "found=absent");
        assertThat(get(attacker, "198.51.100.3")).as("allowed by the label").contains("container");
        assertThat(get(attacker, "198.51.100.2")).as("not allowed").isEmpty();
        String handles = rulesWithHandles(host);

        running.clear();
        running.add(db("198.51.100.2"));
        java.time.Instant now = java.time.Instant.now();
        DriftCheck.Result result = check.check(List.of(
            new Trigger.Docker(new WatchEvent(WatchEvent.Kind.CONTAINER_DESTROY, "db", now)),
            new Trigger.Docker(new WatchEvent(WatchEvent.Kind.CONTAINER_START, "db", now))));

        assertThat(result).isEqualTo(DriftCheck.Result.CORRECTED);
        assertThat(lines.getLast()).contains("update=elements elements_added=1 elements_removed=1", "cause=container-destroy,container-start");
        assertThat(rulesWithHandles(host)).as("no rule rewritten: the same rules with the same handles").isEqualTo(handles);
        assertThat(host.run("nft", "list", "set", "inet", "breakwater", "allow_tcp_3306_v4")).contains("198.51.100.2").doesNotContain("198.51.100.3");
        assertThat(get(attacker, "198.51.100.2")).as("newly allowed: connects").contains("container");
        assertThat(get(attacker, "198.51.100.3")).as("no longer allowed").isEmpty();
        assertThat(proofs).as("the proof held before both corrections").containsExactly(true, true);

        // nft flush ruleset takes iptables-nft's tables too (Docker's DNAT here): the proof cannot
        // decide without Docker's nat rules, but putting the drops back only narrows who gets in,
        // so the correction is applied and its unproved problems logged; the stranger stays out.
        host.run("nft", "flush", "ruleset");
        assertThat(check.check(List.of(new Trigger.Periodic(java.time.Instant.now())))).as("%s", lines).isEqualTo(DriftCheck.Result.CORRECTED);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("event=correction-unproved", "applied=narrows-only",
            "the nat table is not in the dump"));
        assertThat(host.run("nft", "list", "tables")).contains("breakwater");
      } finally {
        for (Process p : servers.servers) {
          p.destroy();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** The chain's rules with their handles, as nft -a prints them. */
  static String rulesWithHandles(TestNamespace host) {
    return host.run("nft", "-a", "list", "chain", "inet", "breakwater", "bw_forward");
  }

  static Container db(String allow) {
    HostFacts lab = PolicyTrafficLabTest.facts(IptablesSaveParser.parse("*filter\n:DOCKER-USER - [0:0]\nCOMMIT\n", IpFamily.V4, "x"));
    Container c = lab.containers().getFirst();
    return new Container(c.id(), c.name(), c.image(), Map.of("breakwater.allow", allow), c.networkMode(), c.networks(), c.ports(),
        List.of(), List.of());
  }

  static String get(TestNamespace attacker, String source) throws Exception {
    return PolicyTrafficLabTest.get(attacker, source, "http://198.51.100.1:3306/");
  }
}
