package dev.breakwater.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.catalog.Severity;
import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host's own sockets (ss-listening.txt) in the audit, and --expect-open, on a snapshot fixture. */
class HostListenerAuditTest {

  static Path fixture() {
    try {
      return Path.of(HostListenerAuditTest.class.getResource("/listeners/host-listeners").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HostFacts facts() {
    return SnapshotDirectory.read(fixture());
  }

  private static ListenerExposure listener(AuditReport report, String endpoint) {
    return report.hostListeners().stream().filter(l -> l.endpoint().equals(endpoint)).findFirst()
        .orElseThrow(() -> new AssertionError(endpoint + " not in "
            + report.hostListeners().stream().map(ListenerExposure::endpoint).toList()));
  }

  private static List<String> ids(ListenerExposure l) {
    return l.findings().stream().map(ExposureFinding::id).toList();
  }

  @Test
  void aMysqlOnTheHostThatUfwAllowsIsCritical() {
    AuditReport report = HostAudit.run(facts());

    ListenerExposure mysql = listener(report, "0.0.0.0:3306/tcp");
    assertThat(mysql.process()).isEqualTo("mysqld");
    assertThat(mysql.pids()).containsExactly(1201);
    assertThat(mysql.reachableFrom()).containsExactly("0.0.0.0/0");
    assertThat(mysql.exact()).isTrue();
    assertThat(mysql.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(ids(mysql)).containsExactly("exposed-data-store");
    assertThat(mysql.decidedBy()).isEqualTo("filter/ufw-user-input #2 (line 137)");
    assertThat(mysql.findings().getFirst().message()).contains("MySQL").contains("anywhere (0.0.0.0/0)");
    assertThat(mysql.ufwClaim()).isEqualTo("allow");
    assertThat(report.hostListeners().getFirst()).isEqualTo(mysql);
    assertThat(report.failsAt(Severity.CRITICAL)).isTrue();
  }

  @Test
  void theDockerApiOnTheHostIsProtectedByInputOverBothFamilies() {
    ListenerExposure api = listener(HostAudit.run(facts()), "*:2375/tcp");

    assertThat(api.process()).isEqualTo("dockerd");
    assertThat(api.reachableFrom()).isEmpty();
    assertThat(api.possiblyReachableFrom()).isEmpty();
    assertThat(api.exact()).isTrue();
    assertThat(api.findings()).isEmpty();
  }

  @Test
  void sshIsReachableOverBothFamiliesAndLowWithoutAnIntent() {
    AuditReport report = HostAudit.run(facts());

    assertThat(listener(report, "0.0.0.0:22/tcp").reachableFrom()).containsExactly("0.0.0.0/0");
    assertThat(ids(listener(report, "0.0.0.0:22/tcp"))).containsExactly("host-port-open");
    assertThat(listener(report, "0.0.0.0:22/tcp").severity()).isEqualTo(Severity.LOW);
    // UFW's IPv6 INPUT drops routing-header type 0 with '-m rt': the headers are the sender's choice,
    // and a plain SYN carries none, so the IPv6 answer is exact (issue 11), with no condition.
    ListenerExposure ssh6 = listener(report, "[::]:22/tcp");
    assertThat(ssh6.reachableFrom()).containsExactly("::/0");
    assertThat(ssh6.possiblyReachableFrom()).isEmpty();
    assertThat(ssh6.exact()).isTrue();
    assertThat(ids(ssh6)).containsExactly("host-port-open");
    assertThat(ssh6.findings().getFirst().message()).doesNotContain("only with");
    assertThat(ssh6.expected()).isFalse();
  }

  @Test
  void udpWithoutAnAllowIsBlockedAndLoopbackSocketsAreHostOnly() {
    AuditReport report = HostAudit.run(facts());

    assertThat(listener(report, "0.0.0.0:123/udp").reachableFrom()).isEmpty();
    assertThat(listener(report, "0.0.0.0:123/udp").exact()).isTrue();
    ListenerExposure redis = listener(report, "127.0.0.1:6379/tcp");
    assertThat(redis.reachableFrom()).isEmpty();
    assertThat(redis.notes()).containsExactly("bound to 127.0.0.1: only the host itself can connect");
    assertThat(listener(report, "127.0.0.53%lo:53/udp").notes())
        .containsExactly("bound to device lo: only the host itself can connect");
  }

  @Test
  void dockerProxySocketsAreLeftOutWithANote() {
    AuditReport report = HostAudit.run(facts());

    assertThat(report.hostListeners()).extracting(ListenerExposure::process).doesNotContain("docker-proxy");
    assertThat(report.hostListeners()).hasSize(7);
    assertThat(report.notes()).contains("4 docker-proxy sockets are left out of the host listeners: they are the published ports above");
  }

  @Test
  void withExpectOpenAnythingElseReachableIsAFindingAndTheExpectedIsSaid() {
    AuditReport report = HostAudit.run(facts(), ExpectedOpen.parse(List.of("22/tcp,443/tcp")));

    ListenerExposure ssh = listener(report, "[::]:22/tcp");
    assertThat(ssh.expected()).isTrue();
    assertThat(ssh.findings()).isEmpty();
    assertThat(ssh.notes()).contains("meant to be public (--expect-open 22/tcp)");

    ListenerExposure mysql = listener(report, "0.0.0.0:3306/tcp");
    assertThat(ids(mysql)).containsExactly("exposed-data-store", "unexpected-open");
    assertThat(mysql.findings().get(1).severity()).isEqualTo(Severity.HIGH);
    assertThat(mysql.findings().get(1).message()).contains("3306/tcp is not in --expect-open (22/tcp, 443/tcp)");

    // Published ports are judged the same way.
    assertThat(report.exposures()).filteredOn(e -> e.hostPort() == 8080 && !e.reachableFrom().isEmpty())
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.findings()).extracting(ExposureFinding::id).contains("unexpected-open"));
    // An unreachable port is not unexpected: the blocked dual-stack Docker API gets no finding.
    assertThat(listener(report, "*:2375/tcp").findings()).isEmpty();

    assertThat(report.expectedNotReachable()).containsExactly("443/tcp");
    assertThat(AuditText.render(report))
        .contains("Expected open (--expect-open) but reachable from nowhere outside: 443/tcp")
        .contains("Host listeners (ss -Htulnp, not in containers): 7 sockets, 3 reachable from outside")
        .contains("unexpected-open");
  }

  @Test
  void anExpectedPublishedPortGetsNoUnexpectedFinding() {
    AuditReport report = HostAudit.run(facts(), ExpectedOpen.parse(List.of("22/tcp", "8080/tcp")));

    assertThat(report.exposures()).filteredOn(e -> e.hostPort() == 8080).isNotEmpty().allSatisfy(e -> {
      assertThat(e.findings()).extracting(ExposureFinding::id).doesNotContain("unexpected-open");
      assertThat(e.notes()).contains("meant to be public (--expect-open 8080/tcp)");
    });
    assertThat(report.expectedNotReachable()).isEmpty();
  }

  @Test
  void withoutSsListeningNothingIsClaimedAboutTheHostsSockets() {
    HostFacts read = facts();
    HostFacts without = new HostFacts(read.hostname(), read.interfaces(), read.routes(), read.containers(),
        read.ipv4(), read.ipv6(), read.ufw(), read.daemon(), read.notes());

    AuditReport report = HostAudit.run(without, ExpectedOpen.parse(List.of("22/tcp")));

    assertThat(report.hostListeners()).isEmpty();
    // sshd may well listen on 22: without ss's output that cannot be called closed.
    assertThat(report.expectedNotReachable()).isEmpty();
    assertThat(report.notes()).anyMatch(n -> n.startsWith("no ss-listening.txt in the snapshot"));
  }
}
