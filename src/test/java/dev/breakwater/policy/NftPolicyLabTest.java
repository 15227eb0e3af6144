package dev.breakwater.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.firewall.NftBackend;
import dev.breakwater.firewall.StateStore;
import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.system.CommandFailed;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import inet.ipaddr.IPAddressString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nft backend on an iptables Docker host: the host namespace holds Docker's iptables rules
 * for {@code -p 3306:80} (DNAT in nat, FORWARD policy DROP with DOCKER's ACCEPT, loaded with
 * iptables-nft as Docker 20.10 writes them), and Breakwater's {@code inet breakwater} table runs
 * before them at forward priority {@code filter - 1}. Real connections from two attacker
 * addresses and from the container decide.
 */
@Tag("lab")
class NftPolicyLabTest {
  static final String POLICY = "allow:\n  - port: 3306\n    from: 198.51.100.3\n";

  @TempDir Path tmp;

  @Test
  void theNftTableProtectsThePortKeepsEgressSurvivesOtherFlushesAndTakesNewElementsWithoutARewrite() throws Exception {
    RootCheck.assumeRoot("needs root to create network namespaces");
    Required.that(NetfilterTools.Tool.NFT.installed(), "needs nft (Debian package nftables)");
    Required.that(Files.isExecutable(Path.of("/usr/bin/curl")), "needs curl");
    Required.that(Files.isExecutable(Path.of("/usr/bin/busybox")) || Files.isExecutable(Path.of("/bin/busybox")), "needs busybox");
    PolicyTrafficLabTest servers = new PolicyTrafficLabTest();
    servers.tmp = tmp;
    try (TestNamespace host = new TestNamespace(); TestNamespace container = new TestNamespace(); TestNamespace attacker = new TestNamespace()) {
      try {
        PolicyTrafficLabTest.wire(host, container, attacker);
        host.load("iptables-restore", PolicyTrafficLabTest.HOST_RULES);
        Files.writeString(Files.createDirectories(tmp.resolve("www")).resolve("index.html"), "container\n");
        Files.writeString(Files.createDirectories(tmp.resolve("out")).resolve("index.html"), "outside\n");
        servers.serve(container, 80, tmp.resolve("www"));
        servers.serve(attacker, 8080, tmp.resolve("out"));
        assertThat(get(attacker, "198.51.100.2")).as("before: the forbidden address gets in").contains("container");

        NetfilterTools tools = NetfilterTools.in(host.namespace());
        HostFacts facts = PolicyTrafficLabTest.facts(IptablesSaveParser.parse(host.save("iptables-save"), IpFamily.V4, "lab"));
        CompiledPolicy compiled = PolicyCompiler.compile(facts, PolicyFile.parse(POLICY, "policy.yml"));
        StateStore store = new StateStore(tmp.resolve("state"));
        ApplyTransaction.Outcome outcome = dev.breakwater.firewall.TestChanges.apply(new ApplyTransaction(tools, store, FirewallBackend.NFT), compiled);
        assertThat(outcome.changed()).isTrue();
        assertThat(dev.breakwater.firewall.TestChanges.last(store).orElseThrow().backend()).isEqualTo(FirewallBackend.NFT);
        assertThat(host.save("iptables-save")).as("the iptables rules are untouched").doesNotContain("BREAKWATER");

        assertThat(get(attacker, "198.51.100.3")).as("the allowed address gets in").contains("container");
        assertThat(get(attacker, "198.51.100.2")).as("the forbidden address does not").isEmpty();
        assertThat(PolicyTrafficLabTest.get(container, "198.18.0.2", "http://198.51.100.2:8080/")).as("the container still reaches out").contains("outside");
        assertThat(new ApplyTransaction(tools, store, FirewallBackend.NFT).apply(compiled).changed()).as("applying again changes nothing").isFalse();

        // Another table's flush (what `ufw reload` with MANAGE_BUILTINS or `iptables -F` does) leaves ours alone.
        host.run("iptables", "-F", "DOCKER-USER");
        host.run("iptables", "-t", "raw", "-F");
        assertThat(get(attacker, "198.51.100.2")).as("after the flush, still refused").isEmpty();
        assertThat(get(attacker, "198.51.100.3")).as("after the flush, still allowed").contains("container");

        // A new allowed source through the set: the rules stay as written.
        NftPolicyText planned = NftPolicyText.of(compiled);
        NftBackend nft = new NftBackend(tools);
        nft.addAllowed("allow_tcp_3306_v4", List.of(new IPAddressString("198.51.100.2/32").getAddress()));
        assertThat(get(attacker, "198.51.100.2")).as("added to the set: gets in").contains("container");
        assertThat(NftTableListing.parse(nft.listTable().orElseThrow()).rules(NftPolicyText.CHAIN)).contains(planned.rules());
        nft.removeAllowed("allow_tcp_3306_v4", List.of(new IPAddressString("198.51.100.2/32").getAddress()));
        assertThat(get(attacker, "198.51.100.2")).as("deleted from the set: refused again").isEmpty();
        assertThat(nft.listTableJson().orElseThrow()).contains("\"prio\": -1", "\"proto-dst\"");

        // All or nothing: a script whose IPv6 part is wrong changes nothing, not even the IPv4 part.
        String before = nft.listTable().orElseThrow();
        CompiledPolicy wider = PolicyCompiler.compile(facts, PolicyFile.parse(
            "allow:\n  - port: 3306\n    from: [198.51.100.2, 198.51.100.3]\n", "wider.yml"));
        String broken = NftPolicyText.of(wider).replaceScript()
            .replace("\tchain bw_forward {", "\tset allow_tcp_3306_v6 {\n\t\ttype ipv6_addr\n\t\tflags interval\n"
                + "\t\telements = { 2001:db8::/129 }\n\t}\n\n\tchain bw_forward {");
        assertThatThrownBy(() -> tools.nftApply(broken)).isInstanceOf(CommandFailed.class).hasMessageContaining("nft -f -");
        assertThat(nft.listTable()).contains(before);
        assertThat(get(attacker, "198.51.100.2")).as("the failed script let nobody new in").isEmpty();

        // The rollback timer runs `breakwater rollback`, which builds the default transaction: the
        // journal says nft, so it removes the table (there was none before).
        assertThat(dev.breakwater.firewall.TestChanges.rollback(new ApplyTransaction(tools, store))).containsExactly(IpFamily.V4, IpFamily.V6);
        assertThat(nft.listTable()).isEmpty();
        assertThat(get(attacker, "198.51.100.2")).as("rolled back: open again").contains("container");
        assertThat(dev.breakwater.firewall.TestChanges.rollback(new ApplyTransaction(tools, store))).as("nothing left to undo").isEmpty();
      } finally {
        for (Process p : servers.servers) {
          p.destroy();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  static String get(TestNamespace attacker, String source) throws Exception {
    return PolicyTrafficLabTest.get(attacker, source, "http://198.51.100.1:3306/");
  }
}
