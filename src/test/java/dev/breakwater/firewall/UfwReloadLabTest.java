package dev.breakwater.firewall;

import dev.breakwater.policy.ChainState;
import dev.breakwater.system.RootCheck;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.NetworkNamespace;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.system.TestNamespace;
import dev.breakwater.policy.PolicyCompiler;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.policy.PolicyTrafficLabTest;
import dev.breakwater.policy.Required;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/policy.md claims about UFW: with its default MANAGE_BUILTINS=no, {@code ufw reload}
 * and {@code ufw disable}/{@code enable} rebuild only UFW's own chains, so the BREAKWATER chain
 * and its jump stay. UFW runs in a bwx namespace, inside a private mount namespace on copies of
 * /etc/ufw, /lib/ufw and /etc/default/ufw: the machine's own UFW and firewall are never touched.
 */
@Tag("lab")
class UfwReloadLabTest {
  @TempDir Path tmp;

  @Test
  void theChainSurvivesUfwReloadAndDisableEnable() throws Exception {
    RootCheck.assumeRoot("needs root for network and mount namespaces");
    Required.that(Files.isExecutable(Path.of("/usr/sbin/ufw")), "needs ufw");
    try (TestNamespace ns = new TestNamespace()) {
      // Docker's chains only: every ufw-* chain seen later was made by UFW in this namespace.
      ns.load("iptables-restore", PolicyTrafficLabTest.HOST_RULES);
      ns.load("ip6tables-restore", """
          *filter
          :INPUT ACCEPT [0:0]
          :FORWARD DROP [0:0]
          :OUTPUT ACCEPT [0:0]
          :DOCKER-USER - [0:0]
          -A FORWARD -j DOCKER-USER
          -A DOCKER-USER -j RETURN
          COMMIT
          """);
      assertThat(ns.save("iptables-save")).doesNotContain("ufw-");
      // Created after the network namespace, so that its /run/netns entry is visible inside.
      Process holder = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sleep", "infinity").start();
      try {
        String mnt = "/proc/" + holder.pid() + "/ns/mnt";
        for (int i = 0; i < 100 && Files.readSymbolicLink(Path.of(mnt)).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"))); i++) {
          Thread.sleep(20);
        }
        assertThat(Files.readSymbolicLink(Path.of(mnt))).isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")));
        for (String[] bind : new String[][] {{"/etc/ufw", "etc-ufw"}, {"/lib/ufw", "lib-ufw"}, {"/etc/default/ufw", "default-ufw"}}) {
          TestNamespace.host(List.of("cp", "-a", "--", bind[0], tmp.resolve(bind[1]).toString()), "");
          TestNamespace.host(List.of("nsenter", "--mount=" + mnt, "mount", "--bind", tmp.resolve(bind[1]).toString(), bind[0]), "");
        }
        ufw(mnt, ns, "--force", "reset");
        ufw(mnt, ns, "default", "deny", "routed");
        ufw(mnt, ns, "--force", "enable");
        assertThat(ns.save("iptables-save")).as("UFW runs in the namespace").contains(":ufw-user-forward");

        NetfilterTools firewall = NetfilterTools.in(new NetworkNamespace(ns.name));
        CompiledPolicy compiled = PolicyCompiler.compile(Corpus.facts("docker-28-ipv6"),
            PolicyFile.parse("allow:\n  - port: 8080\n    from: [203.0.113.0/24, 2001:db8::/32]\n", "p.yml"));
        new ApplyTransaction(firewall, new StateStore(tmp.resolve("state"))).apply(compiled);
        assertInForce(firewall, compiled);

        ufw(mnt, ns, "reload");
        assertInForce(firewall, compiled);
        assertThat(ns.save("iptables-save")).as("UFW rebuilt its chains").contains(":ufw-user-forward");

        ufw(mnt, ns, "disable");
        ufw(mnt, ns, "--force", "enable");
        assertInForce(firewall, compiled);
      } finally {
        holder.destroy();
        holder.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static void ufw(String mnt, TestNamespace ns, String... args) {
    List<String> command = new ArrayList<>(List.of("ufw"));
    command.addAll(List.of(args));
    ns.run(Path.of(mnt), command);
  }

  static void assertInForce(NetfilterTools firewall, CompiledPolicy compiled) {
    for (IpFamily family : IpFamily.values()) {
      ChainState state = ChainState.of(IptablesSaveParser.parse(firewall.saveFilter(family), family, "live"));
      assertThat(state.matches(compiled.rules(family))).as(family.label() + " chain and jump in force: " + state).isTrue();
    }
  }
}
