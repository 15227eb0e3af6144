package dev.breakwater.gather;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.docker.DockerClient;
import dev.breakwater.docker.FakeDockerDaemon;
import dev.breakwater.host.HostSetup;
import dev.breakwater.hostconf.UfwDefaults.Policy;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live snapshot of a host that is an empty network namespace, with a fake Docker daemon: the
 * setup files (docker-info.json, ufw-default) are written, and read back into {@link HostSetup}.
 */
@Tag("lab")
class LiveGathererLabTest {
  @TempDir Path dir;

  /** A 200 with a JSON body, as a daemon of API 1.52 sends it (LiveHostReaderLabTest too). */
  static String http(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.52\r\nContent-Length: "
        + bytes.length + "\r\n\r\n" + body;
  }

  @Test
  void theSnapshotHoldsDockersFirewallBackendAndUfwsDefaults() throws Exception {
    RootCheck.assumeRoot("needs root for a network namespace and iptables-save in it");
    Path ufwDefault = Files.writeString(dir.resolve("etc-default-ufw"), "IPV6=yes\nDEFAULT_INPUT_POLICY=\"DROP\"\n"
        + "DEFAULT_FORWARD_POLICY=\"ACCEPT\"\n");
    Path fail2ban = Files.createDirectories(dir.resolve("etc-fail2ban/jail.d"));
    Files.writeString(fail2ban.resolve("web.local"), "[web]\nenabled = true\nport = 8443\n");
    Files.writeString(fail2ban.resolve("README"), "not a jail file\n");
    Files.writeString(fail2ban.getParent().resolve("jail.local"), "[DEFAULT]\nbantime = 1h\n");
    var hostFiles = new LiveGatherer.HostFiles(dir.resolve("no-daemon.json"), Optional.of(ufwDefault),
        Optional.of(dir.resolve("no-firewalld.conf")), Optional.of(fail2ban.getParent()));
    try (TestNamespace host = new TestNamespace();
        var daemon = new FakeDockerDaemon(dir, line -> FakeDockerDaemon.Reply.of(switch (line) {
          case "GET /_ping HTTP/1.1" -> "HTTP/1.1 200 OK\r\nApi-Version: 1.52\r\nContent-Length: 2\r\n\r\nOK";
          case "GET /v1.45/containers/json HTTP/1.1" -> http("[]");
          case "GET /info HTTP/1.1" -> http("{\"ServerVersion\":\"29.1.2\",\"FirewallBackend\":{\"Driver\":\"nftables\"}}");
          default -> "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        }))) {
      Path snapshot = dir.resolve("snap");

      LiveGatherer.Result result = new LiveGatherer(host.runner(),
          DockerClient.forSocket(daemon.socket, Duration.ofSeconds(5)), hostFiles).gather(snapshot);

      assertThat(result.files()).contains("docker-inspect.json", "docker-info.json", "ufw-default")
          .doesNotContain("firewalld.conf", "daemon.json");
      assertThat(daemon.requestLines).contains("GET /info HTTP/1.1");
      assertThat(snapshot.resolve("docker-info.json")).content().contains("\"Driver\": \"nftables\"");
      assertThat(snapshot.resolve("ufw-default")).hasSameTextualContentAs(ufwDefault);
      HostSetup setup = SnapshotDirectory.read(snapshot).setup();
      assertThat(setup.dockerFirewallDriver()).contains("nftables");
      assertThat(setup.ufwDefaults()).hasValueSatisfying(u -> {
        assertThat(u.forwardPolicy()).contains(Policy.ACCEPT);
        assertThat(u.inputPolicy()).contains(Policy.DROP);
      });
      // fail2ban's jail files and the namespace's own sysctls (a new namespace: route_localnet 0, no forwarding).
      assertThat(result.files()).contains("fail2ban/jail.local", "fail2ban/jail.d/web.local", "sysctl.txt")
          .doesNotContain("fail2ban/jail.d/README");
      assertThat(setup.hostConfig().fail2ban().orElseThrow().get("web", "port").orElseThrow().place().toString())
          .isEqualTo("/etc/fail2ban/jail.d/web.local:3:1");
      assertThat(snapshot.resolve("sysctl.txt")).content().contains("net.ipv4.conf.lo.route_localnet = 0")
          .contains("net.ipv4.ip_forward = ");
    }
  }

  @Test
  void aDaemonThatFailsInfoLeavesANoteAndTheRestOfTheSnapshot() throws Exception {
    RootCheck.assumeRoot("needs root for a network namespace and iptables-save in it");
    try (TestNamespace host = new TestNamespace();
        var daemon = new FakeDockerDaemon(dir, line -> FakeDockerDaemon.Reply.of(switch (line) {
          case "GET /_ping HTTP/1.1" -> "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK";
          case "GET /v1.41/containers/json HTTP/1.1" -> http("[]");
          default -> "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops";
        }))) {
      // a directory where /etc/default/ufw should be: said, not copied, not fatal
      // a daemon.json dockerd would refuse: said at its line by daemon.json's one reader, not copied
      Files.writeString(dir.resolve("daemon.json"), "{\n  \"iptables\": \"no\"\n}\n");
      var hostFiles = new LiveGatherer.HostFiles(dir.resolve("daemon.json"), Optional.of(dir), Optional.empty());
      LiveGatherer.Result result = new LiveGatherer(host.runner(),
          DockerClient.forSocket(daemon.socket, Duration.ofSeconds(5)), hostFiles).gather(dir.resolve("snap"));

      assertThat(result.files()).contains("docker-inspect.json").doesNotContain("docker-info.json", "ufw-default", "daemon.json");
      assertThat(result.notes()).contains(dir.resolve("daemon.json") + ":2:15: expected true or false for \"iptables\""
          + " (dockerd refuses another type), found \"no\": not captured");
      assertThat(result.notes()).anyMatch(n -> n.contains("GET /info") && n.contains("docker-info.json"));
      assertThat(result.notes()).anyMatch(n -> n.startsWith(dir + ": expected a regular file") && n.endsWith("not captured"));
    }
  }
}
