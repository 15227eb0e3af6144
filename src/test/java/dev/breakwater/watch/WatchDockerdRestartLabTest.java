package dev.breakwater.watch;

import dev.breakwater.system.RootCheck;
import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.policy.ChainState;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.NetworkNamespace;
import dev.breakwater.firewall.StateStore;
import dev.breakwater.docker.TestDockerd;
import dev.breakwater.system.TestNamespace;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyFile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.docker.DockerClient;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.gather.LiveHostReader;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * watch across a dockerd restart, with a real dockerd of the tests' own ({@link TestDockerd}, in a
 * namespace; the machine's firewall is never touched): the event stream breaks, watch says so,
 * reconnects when the daemon is back, keeps the policy in force, and a container started after
 * the restart gets its allow.
 */
@Tag("lab")
class WatchDockerdRestartLabTest {
  static final Policy POLICY = PolicyFile.parse("interfaces: [eth0]\ndefault: deny\nlabels: true\n", "policy.yml");

  @Test
  void watchReconnectsAfterADockerdRestartAndKeepsThePolicy() throws Exception {
    RootCheck.assumeRoot("needs root for namespaces and dockerd");
    Assumptions.assumeTrue(CommandRunner.find("dockerd").isPresent() && CommandRunner.find("busybox").isPresent(),
        "needs docker.io and busybox-static");
    Path tmp = Files.createTempDirectory("bww-watch-restart-");
    Path root = Files.createDirectories(tmp.resolve("d"));
    Path socket = root.resolve("docker.sock");
    Process holder = null;
    Process dockerd = null;
    List<String> lines = new CopyOnWriteArrayList<>();
    try (TestNamespace host = new TestNamespace()) {
      host.ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0peer"); // both ends inside the namespace
      host.ip("addr", "add", "198.51.100.1/24", "dev", "eth0");
      host.ip("link", "set", "eth0", "up");
      host.ip("link", "set", "lo", "up");
      holder = TestDockerd.mountHolder();
      String mnt = TestDockerd.mountNamespace(holder);
      Files.writeString(root.resolve("daemon.json"), TestDockerd.IPV4_DAEMON_JSON);
      dockerd = TestDockerd.start(root, socket, mnt, host);
      TestDockerd.importImage(root, socket);

      DockerClient docker = DockerClient.forSocket(socket, Duration.ofSeconds(10));
      NetfilterTools firewall = NetfilterTools.in(new NetworkNamespace(host.name));
      try (WatchSession session = WatchSession.start(POLICY,
          new LiveHostReader(docker, firewall, POLICY, host.name),
          new ApplyTransaction(firewall, new StateStore(tmp.resolve("state")))::apply,
          DockerEventConnection.connector(docker), new WatchLog(InstantSource.system(), lines::add),
          new WatchMetrics(new PrometheusRegistry()), Duration.ofMinutes(10), Optional.empty())) {
        await(lines, l -> l.contains("cause=startup"));

        dockerd.destroy();
        assertThat(dockerd.waitFor(60, TimeUnit.SECONDS)).as("dockerd stopped").isTrue();
        await(lines, l -> l.contains("event=docker-disconnected") || l.contains("event=docker-connect-failed"));
        dockerd = TestDockerd.start(root, socket, mnt, host);
        await(lines, l -> l.contains("event=docker-reconnected"));

        TestDockerd.docker(socket, "run", "-d", "--name", "after-restart", "-p", "9005:80",
            "--label", "breakwater.allow=198.51.100.66/32", TestDockerd.IMAGE, "httpd", "-f", "-p", "80", "-h", "/");
        await(lines, l -> l.contains("event=drift-corrected") && l.contains("container=after-restart"));

        ChainState chain = ChainState.of(IptablesSaveParser.parse(firewall.saveFilter(IpFamily.V4), IpFamily.V4, "live"));
        assertThat(chain.jumpPositions()).as("DOCKER-USER still jumps to BREAKWATER first").containsExactly(1);
        assertThat(chain.rules()).as("%s", lines)
            .contains("-A BREAKWATER -s 198.51.100.66/32 -p tcp -m conntrack --ctorigdstport 9005 --ctdir ORIGINAL -j RETURN")
            .anyMatch(r -> r.contains("--ctstate DNAT -j DROP"));
      }
    } finally {
      TestDockerd.stop(dockerd, holder, socket, List.of("after-restart"));
      TestNamespace.host(List.of("rm", "-rf", tmp.toString()), "");
    }
  }

  /** Waits for a line watch writes by itself; fails (with the log) only if it never comes. */
  static void await(List<String> lines, Predicate<String> matches) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (lines.stream().noneMatch(matches)) {
      assertThat(System.nanoTime()).as("waiting in vain; the log: %s", lines).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
