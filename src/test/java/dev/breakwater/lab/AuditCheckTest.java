package dev.breakwater.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.Exposure;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditCheckTest {
  private static Exposure exposure(String hostIp, int port, List<String> reachableFrom) {
    return new Exposure("db", "busybox", "", "", hostIp, port, "tcp", port, reachableFrom, List.of(), true, "deny", "", List.of(), List.of());
  }

  private static AttackerProbe.Result probe(String source, int port, boolean reached) {
    String target = source.contains(":") ? Lab.HOST_ADDRESS_V6 : Lab.HOST_ADDRESS;
    return new AttackerProbe.Result(new AttackerProbe.Probe(source, target, port),
        reached ? AttackerProbe.Outcome.CONNECTED : AttackerProbe.Outcome.TIMED_OUT, "");
  }

  @Test
  void prefixesDecidePerSourceAndFamily() {
    AuditReport report = new AuditReport("bwl-host", List.of(
        exposure("0.0.0.0", 3306, List.of("198.51.100.67/32")),
        exposure("::", 3306, List.of()),
        exposure("0.0.0.0", 8080, List.of("0.0.0.0/0")),
        exposure("::", 8080, List.of("::/0")),
        exposure("127.0.0.1", 6379, List.of())), List.of());

    assertThat(AuditCheck.compare(report, List.of(
        probe("198.51.100.66", 3306, false), probe("198.51.100.67", 3306, true), probe("2001:db8:1::66", 3306, false),
        probe("198.51.100.66", 8080, true), probe("2001:db8:1::66", 8080, true),
        probe("198.51.100.66", 6379, false)))).isEmpty();
  }

  @Test
  void bothKindsOfDisagreementAreReported() {
    // The audit forgot IPv6 for 3306 (the kernel let it in) and claims 8080 is open when it was dropped.
    AuditReport report = new AuditReport("bwl-host", List.of(
        exposure("0.0.0.0", 3306, List.of("0.0.0.0/0")),
        exposure("0.0.0.0", 8080, List.of("0.0.0.0/0"))), List.of());

    List<AuditCheck.Disagreement> disagreements = AuditCheck.compare(report, List.of(
        probe("198.51.100.66", 3306, true), probe("2001:db8:1::66", 3306, true), probe("198.51.100.66", 8080, false)));

    assertThat(disagreements).extracting(d -> d.probe().probe().source() + " " + d.probe().probe().port() + " " + d.auditSaysReachable())
        .containsExactly("2001:db8:1::66 3306 false", "198.51.100.66 8080 true");
    assertThat(disagreements.getFirst().describe())
        .isEqualTo("2001:db8:1::66 -> [2001:db8:1::1]:3306: the attacker connected, the audit says not reachable");
  }
}
