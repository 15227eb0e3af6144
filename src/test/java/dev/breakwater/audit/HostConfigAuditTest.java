package dev.breakwater.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.catalog.Severity;
import dev.breakwater.problem.InputProblem;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's configuration in the audit: docker-20.10-ufw-bypass (mysql 0.0.0.0:3306, redis
 * 127.0.0.1:6379 with no raw drop, nginx 80/443) with the files of src/test/resources/hostconfig:
 * a daemon.json serving tcp://0.0.0.0:2375 with "iptables": false and "userland-proxy": false,
 * fail2ban jails (nginx-http-auth enabled in INPUT, mysqld-auth in DOCKER-USER, sshd for port
 * 22), and sysctls with route_localnet=1 on docker0 and eth0.
 */
class HostConfigAuditTest {
  @TempDir Path tmp;

  private Path snapshot(String scenario) throws IOException, URISyntaxException {
    Path dir = Corpus.copy(scenario, tmp.resolve(scenario));
    Path extra = Path.of(HostConfigAuditTest.class.getResource("/hostconfig").toURI());
    try (Stream<Path> files = Files.walk(extra)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path target = dir.resolve(extra.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.copy(f, target);
      }
    }
    return dir;
  }

  @Test
  void everySettingIsAFindingOrNoteWithTheLineItIsWrittenOn() throws Exception {
    AuditReport report = HostAudit.run(SnapshotDirectory.read(snapshot("docker-20.10-ufw-bypass")));

    List<ExposureFinding> host = report.hostFindings();
    assertThat(host).extracting(ExposureFinding::id).containsExactly(
        "docker-api-tcp-open", "fail2ban-input-chain", "docker-iptables-disabled", "sysctl-route-localnet",
        "sysctl-route-localnet");
    assertThat(host.get(0).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(host.get(0).message()).endsWith("(/etc/docker/daemon.json:5:5)");
    assertThat(host.get(1).message()).contains("[nginx-http-auth]").contains("80 (nginx), 443 (nginx)")
        .endsWith("(/etc/fail2ban/jail.local:5:1)");
    assertThat(host.get(1).fix()).contains("'port = 80,443'");
    // Medium: route_localnet opens the host's 127.0.0.1 services; redis's loopback publish does not depend on it.
    assertThat(host.get(3).severity()).isEqualTo(Severity.MEDIUM);
    assertThat(host.get(3).message()).contains("eth0").contains("6379 (redis)").contains("sysctl.txt:5:1");
    assertThat(host.get(3).fix()).startsWith("sysctl -w net.ipv4.conf.eth0.route_localnet=0");
    assertThat(host.get(2).message()).endsWith("(/etc/docker/daemon.json:7:3)");
    assertThat(host.get(4).severity()).isEqualTo(Severity.LOW);
    assertThat(host.get(4).message()).contains("docker0");
    assertThat(report.notes()).anySatisfy(n -> assertThat(n)
        .startsWith("/etc/docker/daemon.json:8:3: \"userland-proxy\": false"));
    assertThat(report.failsAt(Severity.CRITICAL)).isTrue();
    assertThat(AuditText.render(report)).contains("critical docker-api-tcp-open:");
  }

  @Test
  void docker28sRawDropKeepsALoopbackPortClosedDespiteRouteLocalnet() throws Exception {
    // docker-28-ufw-bypass has "-A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 6379 -j DROP".
    AuditReport report = HostAudit.run(SnapshotDirectory.read(snapshot("docker-28-ufw-bypass")));

    assertThat(report.hostFindings()).filteredOn(f -> f.id().equals("sysctl-route-localnet"))
        .filteredOn(f -> f.message().contains("eth0"))
        .singleElement().satisfies(f -> {
          assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
          assertThat(f.message()).doesNotContain("6379");
        });
  }

  @Test
  void withoutTheFilesThereIsNothingToSay() {
    assertThat(HostAudit.run(Corpus.facts("docker-20.10-ufw-bypass")).hostFindings()).isEmpty();
  }

  @Test
  void aBadJailFileIsBadInputAtItsLine() throws Exception {
    Path dir = snapshot("docker-20.10-ufw-bypass");
    Files.writeString(dir.resolve("fail2ban/jail.local"), "[sshd]\nenabled = true\n]broken\n");

    assertThatThrownBy(() -> SnapshotDirectory.read(dir)).isInstanceOf(InputProblem.class)
        .hasMessageStartingWith("/etc/fail2ban/jail.local:3:1: expected a [section]");
  }

  @Test
  void aJailsProtocolIsJudgedAgainstThePublishedPortsTransport() throws Exception {
    // nginx publishes 80 and 443 over tcp (docker-inspect.json): a udp jail never bans those connections.
    Path dir = snapshot("docker-20.10-ufw-bypass");
    Files.writeString(dir.resolve("fail2ban/jail.local"), "[nginx-http-auth]\nenabled = true\nprotocol = udp\n");

    List<ExposureFinding> fail2ban = HostAudit.run(SnapshotDirectory.read(dir)).hostFindings().stream()
        .filter(f -> f.id().startsWith("fail2ban-")).toList();

    assertThat(fail2ban).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo("fail2ban-protocol");
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.message()).contains("bans only udp").contains("80 (nginx), 443 (nginx)").contains("published over tcp")
          .endsWith("(/etc/fail2ban/jail.local:3:1)");
    });
  }
}
