package dev.breakwater.gather;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.docker.DockerClient;
import dev.breakwater.docker.FakeDockerDaemon;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.Route;
import dev.breakwater.host.RoutingRule;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that watch makes before a correction reads the host as {@code snapshot} does: the
 * routes of every table, the rules of {@code ip rule} and the sysctls. Before, it read main's
 * routes only, so a Tailscale or wg-quick host was proved with the kernel's default rules and
 * without its rp_filter.
 */
@Tag("lab")
class LiveHostReaderLabTest {
  @TempDir Path dir;

  @Test
  void theProofReadsEveryTableTheRulesAndTheSysctls() throws Exception {
    RootCheck.assumeRoot("needs root for a network namespace with rules and routes of its own");
    Path policy = Files.writeString(dir.resolve("policy.yml"), "default: deny\n");
    try (TestNamespace host = new TestNamespace();
        var daemon = new FakeDockerDaemon(dir, line -> FakeDockerDaemon.Reply.of(
            line.startsWith("GET /_ping") ? "HTTP/1.1 200 OK\r\nApi-Version: 1.52\r\nContent-Length: 2\r\n\r\nOK"
                : line.contains("/containers/json") ? LiveGathererLabTest.http("[]")
                : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))) {
      host.ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
      host.ip("addr", "add", "198.51.100.1/24", "dev", "eth0");
      host.ip("link", "set", "eth0", "up");
      host.ip("route", "add", "blackhole", "198.18.0.0/24", "table", "100");
      host.ip("rule", "add", "pref", "100", "from", "198.51.100.0/24", "lookup", "100");
      host.run("sysctl", "-w", "net.ipv4.conf.eth0.rp_filter=2");
      LiveHostReader reader = new LiveHostReader(DockerClient.forSocket(daemon.socket, Duration.ofSeconds(5)),
          NetfilterTools.in(host.namespace()), PolicyFile.load(policy).policy(), "lab");

      HostFacts whole = reader.readWhole();

      assertThat(whole.routingRules()).extracting(RoutingRule::priority).contains(0, 100, 32766, 32767);
      assertThat(whole.routes()).anyMatch(r -> r.table().equals("100") && r.type().equals("blackhole"));
      assertThat(whole.routes()).anyMatch(r -> r.table().equals(Route.MAIN) && r.device().equals("eth0"));
      assertThat(whole.setup().hostConfig().sysctl().orElseThrow().get("net.ipv4.conf.eth0.rp_filter").orElseThrow()
          .value()).isEqualTo("2");
      // The check on the latency path (no proof) reads none of it.
      HostFacts quick = reader.read();
      assertThat(quick.routingRules()).isEmpty();
      assertThat(quick.setup().hostConfig().sysctl()).isEmpty();
    }
  }
}
