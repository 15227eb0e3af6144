package dev.breakwater.gather;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.Exposure;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.cli.CliRun;
import dev.breakwater.docker.DockerClient;
import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerRuntime;
import dev.breakwater.host.HostFacts;
import dev.breakwater.lab.AttackerProbe;
import dev.breakwater.lab.AuditCheck;
import dev.breakwater.system.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Rootful Podman 4.3 with netavark 1.4 (iptables driver) in a network namespace: the gatherer's
 * snapshot of it (podman-inspect.json beside the rules) audited, and every answer held against
 * real connections from a client namespace on the host's link, in three states: as Podman left
 * the firewall, with a user's DROP for one source at the top of FORWARD (netavark 1.4 has no
 * user chain), and with FORWARD's policy DROP (netavark 1.4 accepts only replies and the
 * containers' own traffic in NETAVARK_FORWARD, so the policy decides new connections).
 *
 * <p>With {@code -Dbreakwater.podman.keep=DIR} each state's snapshot and probes are kept below
 * DIR (how src/test/resources/corpus/podman-4.3-* were recorded).
 */
@Tag("lab")
class PodmanLabTest {
  static final String HOST_ADDRESS = "198.51.100.1";
  static final List<String> CLIENTS = List.of("198.51.100.66", "198.51.100.67");
  private static final List<Integer> PORTS = List.of(8080, 8081, 3306);

  private static Path root;
  private static TestNamespace host;
  private static TestNamespace client;
  private static TestPodman podman;

  @BeforeAll
  static void up() throws Exception {
    Optional<String> unavailable = TestPodman.unavailable();
    if (unavailable.isPresent()) {
      String message = "skipped: " + unavailable.get();
      System.err.println(message);
      Assumptions.abort(message);
    }
    root = Files.createTempDirectory("bwt-podman");
    try {
      host = new TestNamespace("bwpod").ipv4Only();
      client = new TestNamespace("bwpod").ipv4Only();
      TestNamespace.host(List.of("ip", "link", "add", "bwpod0", "netns", host.name, "type", "veth",
          "peer", "name", "bwpod1", "netns", client.name));
      host.ip("addr", "add", HOST_ADDRESS + "/24", "dev", "bwpod0");
      host.ip("link", "set", "bwpod0", "up");
      for (String source : CLIENTS) {
        client.ip("addr", "add", source + "/24", "dev", "bwpod1");
      }
      client.ip("link", "set", "bwpod1", "up");
      // A neighbour on the link that routes 127.0.0.1 to the host, as Lab's loopback probe does:
      // netavark DNATs "-d 127.0.0.1/32" in PREROUTING, before routing could call it a martian.
      AttackerProbe.routeLoopbackTo(client.runner(), "bwpod1", HOST_ADDRESS, CLIENTS.getFirst());

      podman = new TestPodman(root.resolve("podman"), host);
      podman.run("web", List.of("8080:80", "127.0.0.1:8081:80"), List.of("httpd", "-f", "-p", "80", "-h", "/tmp"));
      podman.run("db", List.of(HOST_ADDRESS + ":3306:3306"), List.of("nc", "-ll", "-p", "3306", "-e", "echo", "5.7.44-mysql-like"));
    } catch (Exception | AssertionError e) {
      down();
      throw e;
    }
  }

  @AfterAll
  static void down() throws IOException {
    // Each step even when one before it failed: Podman first (its rules and processes are in
    // the host namespace), then the namespaces, then the files.
    // up() calls this on a failure and JUnit again after it: each field is cleared once closed.
    try {
      if (podman != null) {
        podman.close();
        podman = null;
      }
    } finally {
      try {
        try {
          if (host != null) {
            host.close();
            host = null;
          }
        } finally {
          if (client != null) {
            client.close();
            client = null;
          }
        }
      } finally {
        if (root != null) {
          deleteTree(root);
          root = null;
        }
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> theAuditOfThePodmanSnapshotPredictsEveryRealConnection() {
    return Stream.of(
        DynamicTest.dynamicTest("as Podman left it: 8080 and 3306 from both, 8081 only through 127.0.0.1", () -> check("podman",
            List.of(), probes -> assertThat(reached(probes)).containsExactlyInAnyOrder(
                "198.51.100.66 8080", "198.51.100.67 8080", "198.51.100.66 3306", "198.51.100.67 3306",
                "198.51.100.66 127.0.0.1:8081"))),
        DynamicTest.dynamicTest("a user's DROP for 198.51.100.67 at the top of FORWARD", () -> check("user-drop",
            List.of(List.of("-I", "FORWARD", "1", "-s", "198.51.100.67/32", "-j", "DROP")),
            probes -> assertThat(reached(probes)).containsExactlyInAnyOrder(
                "198.51.100.66 8080", "198.51.100.66 3306", "198.51.100.66 127.0.0.1:8081"))),
        DynamicTest.dynamicTest("FORWARD policy DROP: netavark 1.4 accepts no new connection itself", () -> check("forward-drop",
            List.of(List.of("-D", "FORWARD", "-s", "198.51.100.67/32", "-j", "DROP"), List.of("-P", "FORWARD", "DROP")),
            probes -> assertThat(reached(probes)).isEmpty())));
  }

  private static void check(String state, List<List<String>> iptables, Consumer<List<AttackerProbe.Result>> intended)
      throws IOException {
    for (List<String> rule : iptables) {
      List<String> argv = new ArrayList<>(List.of("iptables"));
      argv.addAll(rule);
      host.run(argv, "");
    }
    Path snapshot = root.resolve("snapshot-" + state);
    DockerClient noDocker = DockerClient.forSocket(root.resolve("no-docker.sock"), Duration.ofSeconds(1));
    LiveGatherer.Result result = new LiveGatherer(podman.runner(), noDocker, root.resolve("no-daemon.json")).gather(snapshot);
    List<AttackerProbe.Result> probes = probe();
    keep(state, snapshot, probes);

    assertThat(result.files()).as(String.join("\n", result.notes()))
        .contains("podman-inspect.json", "iptables-save.txt", "nft-ruleset.json", "docker-inspect.json");
    assertThat(result.notes()).noneMatch(n -> n.contains("Podman"));
    assertThat(snapshot.resolve("iptables-save.txt")).content().contains(":NETAVARK-HOSTPORT-DNAT").contains(":NETAVARK_FORWARD");
    HostFacts facts = Facts.fromSnapshot(snapshot);
    assertThat(facts.containers()).extracting(Container::name, Container::runtime)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("web", ContainerRuntime.PODMAN),
            org.assertj.core.groups.Tuple.tuple("db", ContainerRuntime.PODMAN));

    AuditReport report = HostAudit.run(facts);
    intended.accept(probes);
    assertThat(AuditCheck.compare(report, probes)).extracting(AuditCheck.Disagreement::describe).isEmpty();
    // Exact answers: no lab source is left as "possibly reachable".
    assertThat(report.exposures()).allSatisfy(e -> assertThat(e.possiblyReachableFrom())
        .as(e.container() + " " + e.hostEndpoint() + " " + e.notes()).isEmpty());
    assertThat(report.exposures()).extracting(Exposure::hostPort).containsExactlyInAnyOrderElementsOf(PORTS);

    // The command a user runs says the same, in its words.
    CliRun audit = CliRun.of("audit", "--from", snapshot.toString());
    assertThat(audit.err()).doesNotContain("internal error").doesNotContain("Exception");
    assertThat(audit.exit()).as(audit.out() + audit.err()).isIn(0, 1);
    assertThat(audit.out()).contains("web").contains("db").contains("8080");
  }

  /** Every client address to every published port at the host's address, and the neighbour's 127.0.0.1 probes. */
  private static List<AttackerProbe.Result> probe() {
    List<AttackerProbe.Probe> probes = new ArrayList<>();
    for (int port : PORTS) {
      for (String source : CLIENTS) {
        probes.add(new AttackerProbe.Probe(source, HOST_ADDRESS, port));
      }
    }
    probes.add(new AttackerProbe.Probe(CLIENTS.getFirst(), "127.0.0.1", 8081));
    probes.add(new AttackerProbe.Probe(CLIENTS.getFirst(), "127.0.0.1", 3306));
    return AttackerProbe.from(client.runner(), probes);
  }

  /** {@code SOURCE PORT} for a probe to the host's address, {@code SOURCE TARGET:PORT} for another. */
  private static List<String> reached(List<AttackerProbe.Result> probes) {
    return probes.stream().filter(AttackerProbe.Result::reached)
        .map(p -> p.probe().source() + " " + (p.probe().target().equals(HOST_ADDRESS) ? "" : p.probe().target() + ":") + p.probe().port())
        .toList();
  }

  private static void keep(String state, Path snapshot, List<AttackerProbe.Result> probes) throws IOException {
    String keep = System.getProperty("breakwater.podman.keep");
    if (keep == null) {
      return;
    }
    Path dir = Files.createDirectories(Path.of(keep, state));
    try (Stream<Path> files = Files.list(snapshot)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    StringBuilder lines = new StringBuilder();
    for (AttackerProbe.Result p : probes) {
      lines.append(p.probe().describe()).append("  ").append(p.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
          .append(p.banner().isEmpty() ? "" : " \"" + p.banner() + "\"").append('\n');
    }
    Files.writeString(dir.resolve("probes.txt"), lines);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
