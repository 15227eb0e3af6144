package dev.breakwater.lab;

import dev.breakwater.demo.Demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue #6, item 6: the live audit of the lab reports exactly the exposures the attacker can
 * reach. For each firewall state, the gatherer runs inside the lab namespace, the snapshot is
 * read and audited, and every answer is held against a real connection from each attacker
 * address (198.51.100.66, .67, 2001:db8:1::66) to every published port: no more, no fewer.
 *
 * <p>The states build on one lab (cheaper than a lab per state): the seed incident; then a
 * DOCKER-USER allowlist for IPv4 only (.67 may reach 3306, .66 not, IPv6 still open); then the
 * same drop for IPv6.
 */
@Tag("lab")
class LiveAuditLabTest {
  private static final List<String> LOG = new ArrayList<>();
  private static Lab lab;
  private static Function<HostFacts, AuditReport> audit;

  @BeforeAll
  static void up() {
    LabTools.require();
    audit = HostAudit::run;
    lab = Lab.standard(LOG::add);
    lab.up(Scenario.seedIncident());
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.down();
      assertThat(Path.of("/run/netns/" + Lab.HOST_NS)).doesNotExist();
      assertThat(Path.of("/run/breakwater-lab")).doesNotExist();
    }
  }

  @TestFactory
  Stream<DynamicTest> theAuditPredictsEveryRealConnection() {
    Scenario allowlist = Scenario.dockerUserAllowlist();
    return Stream.of(
        DynamicTest.dynamicTest("seed incident: 3306 open to all, UFW denies it", () -> auditMatchesTheKernel(List.of(), List.of(),
            probes -> assertThat(Demo.reachedFromAll(probes, Demo.DB_PORT)).isTrue())),
        DynamicTest.dynamicTest("IPv4 allowlist: 198.51.100.67 reaches 3306, .66 does not, IPv6 still does",
            () -> auditMatchesTheKernel(allowlist.iptables(), List.of(), probes -> assertThat(reachedFrom(probes, Demo.DB_PORT))
                .containsExactlyInAnyOrder("198.51.100.67", "2001:db8:1::66"))),
        DynamicTest.dynamicTest("and the same drop for IPv6: only 198.51.100.67 reaches 3306",
            () -> auditMatchesTheKernel(List.of(), allowlist.ip6tables(), probes -> assertThat(reachedFrom(probes, Demo.DB_PORT))
                .containsExactly("198.51.100.67"))));
  }

  private static void auditMatchesTheKernel(List<List<String>> iptables, List<List<String>> ip6tables,
      java.util.function.Consumer<List<AttackerProbe.Result>> theStateIsTheIntendedOne) throws IOException {
    lab.applyRules(iptables, ip6tables);
    Path snapshot = Files.createTempDirectory("breakwater-live-audit");
    try {
      lab.snapshot(snapshot);
      AuditReport report = audit.apply(SnapshotDirectory.read(snapshot));
      List<AttackerProbe.Result> probes = lab.probeEveryPublishedPort();

      theStateIsTheIntendedOne.accept(probes);
      assertThat(AuditCheck.compare(report, probes)).extracting(AuditCheck.Disagreement::describe).isEmpty();
      // Nothing the attacker could not test is claimed either: every reachable exposure is a probed port.
      assertThat(report.exposures()).filteredOn(e -> !e.reachableFrom().isEmpty())
          .allSatisfy(e -> assertThat(probes).anyMatch(p -> p.probe().port() == e.hostPort()));
    } finally {
      try (Stream<Path> files = Files.walk(snapshot)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static List<String> reachedFrom(List<AttackerProbe.Result> probes, int port) {
    return probes.stream().filter(p -> p.probe().port() == port && p.reached()).map(p -> p.probe().source()).toList();
  }
}
