package dev.breakwater.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.audit.ListenerExposure;
import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerRuntime;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real Podman 4.3 / netavark 1.4 snapshots in the corpus (recorded by
 * {@code dev.breakwater.gather.PodmanLabTest}): the audit of each predicts every connection the
 * client made when it was taken, without root.
 */
class PodmanCorpusTest {

  static Stream<Path> podmanSnapshots() throws IOException {
    try (Stream<Path> list = Files.list(Corpus.root())) {
      return list.filter(p -> p.getFileName().toString().startsWith("podman-")).sorted().toList().stream();
    }
  }

  @Test
  void theThreeRecordedStatesAreThere() throws IOException {
    assertThat(podmanSnapshots().map(p -> p.getFileName().toString())).containsExactly(
        "podman-4.3-netavark-1.4", "podman-4.3-netavark-1.4-forward-drop", "podman-4.3-netavark-1.4-user-drop");
  }

  @ParameterizedTest
  @MethodSource("podmanSnapshots")
  void theAuditPredictsEveryRealConnectionAndSaysPossiblyForNone(Path dir) throws IOException {
    AuditReport report = HostAudit.run(SnapshotDirectory.read(dir));
    List<AttackerProbe.Result> real = ExpectedReach.read(dir.resolve("EXPECTED.md")).results();

    assertThat(real).hasSize(8);
    assertThat(AuditCheck.compare(report, real)).extracting(AuditCheck.Disagreement::describe).isEmpty();
    assertThat(report.exposures()).hasSize(3).allSatisfy(e -> {
      assertThat(e.runtime()).isEqualTo("podman");
      assertThat(e.possiblyReachableFrom()).isEmpty();
    });
  }

  /**
   * Regression: conmon's sockets (Podman's port reservation: ss shows conmon on 0.0.0.0:8080) were
   * audited as services of the host, a second "critical exposed-data-store" for db's 3306 whose fix
   * said to remove NETAVARK_FORWARD's rule as "the INPUT rule that lets it in".
   */
  @Test
  void conmonsSocketsArePublishedPortsNotHostListeners() {
    var facts = SnapshotDirectory.read(Corpus.root().resolve("podman-4.3-netavark-1.4"));
    assertThat(facts.listeners()).hasValueSatisfying(l -> assertThat(l).hasSize(3));
    assertThat(facts.containers()).extracting(Container::runtime).containsOnly(ContainerRuntime.PODMAN);

    AuditReport report = HostAudit.run(facts);

    assertThat(report.hostListeners()).extracting(ListenerExposure::process).doesNotContain("conmon");
    assertThat(report.notes()).contains("3 conmon sockets are left out of the host listeners: Podman holds its published"
        + " ports' host sockets there, and they are the published ports above");
  }
}
