package dev.breakwater.policy;

import dev.breakwater.cli.CliRun;
import dev.breakwater.system.RootCheck;
import dev.breakwater.docker.TestDockerd;
import dev.breakwater.system.TestNamespace;
import dev.breakwater.policy.ChainState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.docker.DockerClient;
import dev.breakwater.gather.LiveGatherer;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real dockerd in a bwx namespace (private mount namespace, its own socket and directories)
 * publishing {@code -p 3306:80}; an attacker namespace with two addresses. Breakwater is applied
 * through the CLI with a snapshot gathered from that namespace: the allowed address gets in, the
 * other does not, the container still reaches out, and all of it holds after dockerd restarts.
 */
@Tag("lab")
class DockerdPolicyLabTest {
  static final String DAEMON_JSON = """
      {
          "bip": "198.18.0.1/24",
          "default-address-pools": [{"base": "198.18.16.0/20", "size": 24}],
          "iptables": true,
          "ipv6": true,
          "fixed-cidr-v6": "2001:db8:d0c::/64",
          "ip6tables": true,
          "experimental": true,
          "storage-driver": "vfs"
      }
      """;

  @TempDir Path tmp;

  @Test
  void theAllowedAddressGetsInTheOtherDoesNotAndItSurvivesADockerdRestart() throws Exception {
    RootCheck.assumeRoot("needs root for namespaces and dockerd");
    Required.that(CommandRunner.find("dockerd").isPresent() && CommandRunner.find("docker").isPresent(), "needs docker.io");
    Required.that(CommandRunner.find("busybox").isPresent() && CommandRunner.find("curl").isPresent(), "needs busybox and curl");
    Path root = Files.createDirectories(tmp.resolve("d"));
    Path socket = root.resolve("docker.sock");
    List<Process> started = new ArrayList<>();
    try (TestNamespace host = new TestNamespace(); TestNamespace attacker = new TestNamespace()) {
      Process holder = null;
      Process dockerd = null;
      try {
        String peer = "bwxd" + (ProcessHandle.current().pid() % 100000);
        host.ip("link", "add", "eth0", "type", "veth", "peer", "name", peer);
        host.ip("link", "set", peer, "netns", attacker.name);
        host.ip("addr", "add", "198.51.100.1/24", "dev", "eth0");
        host.ip("-6", "addr", "add", "2001:db8:1::1/64", "dev", "eth0", "nodad");
        host.ip("link", "set", "eth0", "up");
        host.ip("link", "set", "lo", "up");
        host.ip("route", "add", "default", "via", "198.51.100.2");
        // An IPv6 default route too: without one only on-link sources get an answer back (the
        // engine walks the answer's route), and the refusal below is about every address.
        host.ip("-6", "route", "add", "default", "via", "2001:db8:1::2", "dev", "eth0");
        attacker.ip("addr", "add", "198.51.100.2/24", "dev", peer);
        attacker.ip("addr", "add", "198.51.100.3/24", "dev", peer);
        attacker.ip("-6", "addr", "add", "2001:db8:1::66/64", "dev", peer, "nodad");
        attacker.ip("link", "set", peer, "up");
        attacker.ip("link", "set", "lo", "up");

        holder = TestDockerd.mountHolder();
        String mnt = TestDockerd.mountNamespace(holder);
        Files.writeString(root.resolve("daemon.json"), DAEMON_JSON);
        dockerd = TestDockerd.start(root, socket, mnt, host);
        DockerClient docker = DockerClient.forSocket(socket, Duration.ofSeconds(30));
        TestDockerd.importImage(root, socket);
        TestDockerd.docker(socket, "run", "-d", "--restart", "always", "--name", "db", "-p", "3306:80", TestDockerd.IMAGE, "httpd", "-f", "-p", "80", "-h", "/");
        Files.writeString(Files.createDirectories(tmp.resolve("out")).resolve("index.html"), "outside\n");
        started.add(new ProcessBuilder(attacker.command("busybox", "httpd", "-f", "-p", "8080", "-h", tmp.resolve("out").toString()))
            .redirectErrorStream(true).redirectOutput(tmp.resolve("httpd.log").toFile()).start());
        waitUntil(() -> reaches(attacker, "198.51.100.2"), "the published port answers before the policy");
        assertThat(reaches(attacker, "198.51.100.3")).isTrue();

        Path snapshot = tmp.resolve("snap");
        new LiveGatherer(CommandRunner.inNetns(host.name), docker, root.resolve("daemon.json")).gather(snapshot);
        Path policy = Files.writeString(tmp.resolve("policy.yml"), "action: reject\nallow:\n  - container: db\n    from: [198.51.100.3, 2001:db8:1::66]\n");
        String state = tmp.resolve("state").toString();

        // Docker 20.10's experimental ip6tables DNATs [::]:3306 to the container but creates no
        // DOCKER-USER chain there: no chain of ours can close it. The proof sees it, apply refuses.
        String before = host.save("iptables-save");
        CliRun refused = CliRun.of("apply", "--policy", policy.toString(), "--from", snapshot.toString(),
            "--netns", host.name, "--state-dir", state);
        boolean noIpv6DockerUser = !host.save("ip6tables-save").contains(":DOCKER-USER");
        if (noIpv6DockerUser) {
          assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
          assertThat(refused.out()).contains("[::]:3306/tcp (db): would still be reachable from every IPv6 address except 2001:db8:1::66/128");
          assertThat(refused.err()).contains("apply refused: the plan is not proved");
          assertThat(host.save("iptables-save")).as("nothing was changed").isEqualTo(before);
          // The user's own fix for IPv6 (what the refusal asks for): drop it in ip6tables FORWARD. Then the plan holds.
          host.ip6tables("-I", "FORWARD", "-i", "eth0", "-p", "tcp", "-m", "conntrack",
              "--ctorigdstport", "3306", "--ctdir", "ORIGINAL", "-j", "DROP");
          new LiveGatherer(CommandRunner.inNetns(host.name), docker, root.resolve("daemon.json")).gather(snapshot);
        }

        CliRun apply = CliRun.of("apply", "--policy", policy.toString(), "--from", snapshot.toString(),
            "--netns", host.name, "--state-dir", state);

        assertThat(apply.exit()).as(apply.out() + apply.err()).isZero();
        assertThat(reaches(attacker, "198.51.100.3")).as("the allowed address gets in").isTrue();
        assertThat(reaches(attacker, "198.51.100.2")).as("the other address is refused").isFalse();
        assertThat(TestDockerd.docker(socket, "exec", "db", "sh", "-c", "echo 'GET / HTTP/1.0' | nc -w 3 198.51.100.2 8080"))
            .as("the container still reaches out").contains("outside");
        String chain = chain(host);

        dockerd.destroy(); // SIGTERM: dockerd stops its containers and exits
        assertThat(dockerd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        dockerd = TestDockerd.start(root, socket, mnt, host);
        waitUntil(() -> TestDockerd.docker(socket, "inspect", "-f", "{{.State.Running}}", "db").strip().equals("true"), "db restarted");
        waitUntil(() -> reaches(attacker, "198.51.100.3"), "the allowed address gets in again after the restart");

        assertThat(chain(host)).as("dockerd's restart left the chain and its jump").isEqualTo(chain);
        assertThat(reaches(attacker, "198.51.100.2")).as("still refused after the restart").isFalse();
      } finally {
        started.forEach(Process::destroy);
        TestDockerd.stop(dockerd, holder, socket, List.of("db"));
      }
    }
  }

  static boolean reaches(TestNamespace attacker, String source) {
    try {
      return !PolicyTrafficLabTest.get(attacker, source, "http://198.51.100.1:3306/").isEmpty();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String chain(TestNamespace host) {
    StringBuilder owned = new StringBuilder();
    for (String tool : List.of("iptables-save", "ip6tables-save")) {
      ChainState state = ChainState.of(IptablesSaveParser.parse(host.save(tool), tool.startsWith("ip6") ? IpFamily.V6 : IpFamily.V4, tool));
      owned.append(state).append('\n');
    }
    return owned.toString();
  }

  static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    for (int i = 0; i < 300 && !condition.getAsBoolean(); i++) {
      Thread.sleep(100);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }
}
