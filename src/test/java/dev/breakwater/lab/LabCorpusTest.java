package dev.breakwater.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.host.Container;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.net.Transport;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lab's real snapshots in the corpus: readable by {@link SnapshotDirectory#read}, and their
 * EXPECTED.md records a real connection from every attacker address to every published TCP port,
 * so an engine test built on them has a ground truth for each port.
 */
class LabCorpusTest {

  static Stream<Path> labSnapshots() throws IOException, URISyntaxException {
    Path corpus = Corpus.root();
    try (Stream<Path> list = Files.list(corpus)) {
      return list.filter(p -> p.getFileName().toString().startsWith("lab-")).sorted().toList().stream();
    }
  }

  @Test
  void everyScenarioOfTheBriefHasARealSnapshot() throws Exception {
    assertThat(labSnapshots().map(p -> p.getFileName().toString())).containsExactly(
        "lab-docker-user-allowlist", "lab-docker-user-fix", "lab-docker-user-fix-v4", "lab-loopback-bound", "lab-port-forms",
        "lab-seed-incident");
  }

  @ParameterizedTest
  @MethodSource("labSnapshots")
  void readsAsTheLabHostWithBothFamiliesAndUfw(Path dir) {
    HostFacts facts = SnapshotDirectory.read(dir);

    assertThat(facts.hostname()).isEqualTo(Lab.HOST_NS);
    Scenario scenario = Scenario.builtIn(dir.getFileName().toString().substring("lab-".length())).orElseThrow();
    assertThat(facts.containers()).extracting(Container::name)
        .containsExactlyInAnyOrderElementsOf(scenario.containers().stream().map(Scenario.LabContainer::name).toList());
    assertThat(facts.ipv6()).isPresent();
    assertThat(facts.ufw()).isPresent();
    assertThat(facts.ipv4().tables()).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("labSnapshots")
  void everyPublishedTcpPortWasProbedFromEveryAttackerAddress(Path dir) throws IOException {
    HostFacts facts = SnapshotDirectory.read(dir);
    ExpectedReach expected = ExpectedReach.read(dir.resolve("EXPECTED.md"));

    Set<Integer> published = facts.containers().stream()
        .flatMap(c -> c.ports().stream())
        .filter(p -> p.protocol() == Transport.TCP)
        .map(PublishedPort::hostPort)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> probed = expected.attempts().stream().map(a -> a.source() + " " + a.port()).collect(Collectors.toSet());
    Set<String> wanted = published.stream()
        .flatMap(port -> Lab.ATTACKER_ADDRESSES.stream().map(source -> source + " " + port))
        .collect(Collectors.toSet());
    assertThat(probed).isEqualTo(wanted);
    for (ExpectedReach.Attempt a : expected.attempts()) {
      assertThat(a.target()).isEqualTo(a.source().contains(":") ? Lab.HOST_ADDRESS_V6 : Lab.HOST_ADDRESS);
    }
  }

  /**
   * The kernel as oracle on committed data: the audit of each real snapshot predicts every
   * connection the attacker made when it was taken, reached or not.
   */
  @ParameterizedTest
  @MethodSource("labSnapshots")
  void theAuditPredictsEveryRealConnection(Path dir) throws IOException {
    AuditReport report = HostAudit.run(SnapshotDirectory.read(dir));
    List<AttackerProbe.Result> real = ExpectedReach.read(dir.resolve("EXPECTED.md")).results();

    assertThat(AuditCheck.compare(report, real)).extracting(AuditCheck.Disagreement::describe).isEmpty();
  }

  /**
   * Where a neighbour on the link reached a port by sending to 127.0.0.1 (Docker 20.10 DNATs
   * it), the audit says so: the port is reachable from that neighbour anyway, or the loopback
   * binding carries the neighbour note.
   */
  @ParameterizedTest
  @MethodSource("labSnapshots")
  void theAuditWarnsOfEveryLoopbackPortANeighbourReached(Path dir) throws IOException {
    AuditReport report = HostAudit.run(SnapshotDirectory.read(dir));
    for (ExpectedReach.Attempt a : ExpectedReach.read(dir.resolve("EXPECTED.md"), "neighbour").attempts()) {
      assertThat(a.target()).isEqualTo("127.0.0.1");
      boolean reachableAnyway = AuditCheck.auditSaysReachable(report, new AttackerProbe.Probe(a.source(), Lab.HOST_ADDRESS, a.port()));
      boolean noted = report.exposures().stream()
          .anyMatch(e -> e.hostPort() == a.port() && e.hostIp().equals("127.0.0.1") && e.notes().stream().anyMatch(n -> n.contains("neighbour")));
      assertThat(a.reached() && !reachableAnyway && !noted).as("%s: %s", dir.getFileName(), a).isFalse();
    }
  }

  static List<Integer> loopbackPorts(Path dir) {
    return SnapshotDirectory.read(dir).containers().stream()
        .flatMap(c -> c.ports().stream())
        .filter(p -> p.hostIp().isLoopback())
        .map(PublishedPort::hostPort)
        .toList();
  }

  static Stream<Path> snapshotsWithLoopbackBindings() throws IOException, URISyntaxException {
    return labSnapshots().filter(dir -> !loopbackPorts(dir).isEmpty());
  }

  @Test
  void someSnapshotsBindToLoopback() throws Exception {
    assertThat(snapshotsWithLoopbackBindings()).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("snapshotsWithLoopbackBindings")
  void portsBoundToLoopbackWereNeverReached(Path dir) throws IOException {
    List<Integer> loopbackOnly = loopbackPorts(dir);
    assertThat(ExpectedReach.read(dir.resolve("EXPECTED.md")).attempts())
        .filteredOn(a -> loopbackOnly.contains(a.port()))
        .isNotEmpty()
        .noneMatch(ExpectedReach.Attempt::reached);
  }
}
