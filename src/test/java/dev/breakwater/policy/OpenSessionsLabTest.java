package dev.breakwater.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.firewall.FlowCut;
import dev.breakwater.firewall.StateStore;
import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session a stranger opened before {@code apply} must not outlive it. The chain lets
 * RELATED,ESTABLISHED through first (so containers keep the replies of their own connections);
 * without cutting, a session opened to 3306 before the change kept echoing after the drop was in.
 * Real packets, Docker's publishing rules of {@link PolicyTrafficLabTest}, busybox nc sessions
 * that echo a line every 200 ms: the forbidden one stops, the allowed one and the container's own
 * outbound session keep going.
 */
@Tag("lab")
class OpenSessionsLabTest {
  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();

  @Test
  void applyCutsTheSessionsThePolicyForbidsAndKeepsTheOthers() throws Exception {
    RootCheck.assumeRoot("needs root to create network namespaces");
    Required.that(CommandRunner.find("busybox").isPresent(), "needs busybox");
    Required.that(NetfilterTools.Tool.CONNTRACK.installed(), "needs the conntrack tool (Debian package conntrack)");
    try (TestNamespace host = new TestNamespace(); TestNamespace container = new TestNamespace(); TestNamespace attacker = new TestNamespace()) {
      try {
        PolicyTrafficLabTest.wire(host, container, attacker);
        host.load("iptables-restore", PolicyTrafficLabTest.HOST_RULES);
        String busybox = CommandRunner.find("busybox").orElseThrow().toString();
        started.add(container.start(busybox, "nc", "-ll", "-p", "80", "-e", "/bin/cat"));
        started.add(attacker.start(busybox, "nc", "-ll", "-p", "9000", "-e", "/bin/cat"));
        Thread.sleep(300);
        String outside = attacker.run("ip", "-o", "link", "show").lines().filter(l -> l.contains("bwxo"))
            .map(l -> l.split(":")[1].strip().replaceFirst("@.*", "")).findFirst().orElseThrow();
        // The route picks the source of new connections; an open one keeps the address it has.
        attacker.ip("route", "replace", "198.51.100.1/32", "dev", outside, "src", "198.51.100.2");
        Path stranger = session(attacker, "198.51.100.1", 3306, "stranger");
        awaitLines(stranger, 3, "the stranger's session echoes before the apply");
        attacker.ip("route", "replace", "198.51.100.1/32", "dev", outside, "src", "198.51.100.3");
        Path office = session(attacker, "198.51.100.1", 3306, "office");
        Path outbound = session(container, "198.51.100.2", 9000, "outbound");
        awaitLines(office, 3, "the office's session echoes before the apply");
        awaitLines(outbound, 3, "the container's own session echoes before the apply");

        HostFacts facts = PolicyTrafficLabTest.facts(IptablesSaveParser.parse(host.save("iptables-save"), IpFamily.V4, "lab"));
        CompiledPolicy compiled = PolicyCompiler.compile(facts, PolicyFile.parse(
            "interfaces: [eth0]\nallow:\n  - port: 3306\n    from: 198.51.100.3\n", "policy.yml"));
        NetfilterTools tools = NetfilterTools.in(host.namespace());
        new ApplyTransaction(tools, new StateStore(tmp.resolve("state"))).apply(compiled);
        // A clean-up that runs out of time cuts nothing more, says how many stay open, and does not fail the change.
        FlowCut.Result late = FlowCut.cut(tools, compiled, facts, new java.time.Clock() {
          private final java.time.Instant start = java.time.Instant.now();
          private int reads;

          @Override public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override public java.time.Instant instant() {
            return start.plusSeconds(30L * reads++);
          }
        });
        assertThat(late.cut()).isZero();
        assertThat(late.notes()).containsExactly("1 open connection the policy forbids could not be cut (the clean-up ran out of its 20 s):"
            + " it stays open until it closes; new ones are refused");
        FlowCut.Result cut = FlowCut.cut(tools, compiled, facts);
        assertThat(cut.notes()).isEmpty();
        assertThat(cut.cut()).as("the stranger's session, and only it").isEqualTo(1);

        Thread.sleep(500); // an echo in flight when the entry went may still arrive
        long strangerAfter = lines(stranger);
        long officeAfter = lines(office);
        long outboundAfter = lines(outbound);
        Thread.sleep(2000);
        assertThat(lines(stranger)).as("the stranger's session is cut").isEqualTo(strangerAfter);
        assertThat(lines(office)).as("the allowed session goes on").isGreaterThan(officeAfter + 3);
        assertThat(lines(outbound)).as("the container's own connection goes on").isGreaterThan(outboundAfter + 3);
      } finally {
        for (Process p : started) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** A line every 200 ms to {@code address:port}; what comes back is appended to the file. */
  private Path session(TestNamespace from, String address, int port, String name) throws Exception {
    Path out = tmp.resolve(name + ".out");
    String busybox = CommandRunner.find("busybox").orElseThrow().toString();
    Process p = new ProcessBuilder(from.command("sh", "-c",
        "i=0; while :; do echo \"ping $i\"; i=$((i+1)); sleep 0.2; done | " + busybox + " nc " + address + " " + port))
        .redirectOutput(out.toFile()).redirectError(tmp.resolve(name + ".err").toFile()).start();
    started.add(p);
    return out;
  }

  static long lines(Path file) throws Exception {
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  static void awaitLines(Path file, int n, String what) throws Exception {
    BooleanSupplier enough = () -> {
      try {
        return lines(file) >= n;
      } catch (Exception e) {
        return false;
      }
    };
    for (int i = 0; i < 50 && !enough.getAsBoolean(); i++) {
      Thread.sleep(100);
    }
    assertThat(lines(file)).as(what).isGreaterThanOrEqualTo(n);
  }
}
