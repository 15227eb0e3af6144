package dev.breakwater.reach.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.Transport;
import dev.breakwater.reach.NftKernelFoundTest;
import dev.breakwater.reach.Packet;
import dev.breakwater.reach.Reachability;
import dev.breakwater.reach.SourceClass;
import dev.breakwater.reach.Trace;
import dev.breakwater.reach.TraceStep;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.system.RootCheck;
import inet.ipaddr.IPAddressString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The kernel as the oracle for nftables hosts: moby's usernet-portmap ruleset (Docker 29's
 * nftables backend) with the layers of research/nftables.md §1.6, §2.2 and §3.3 in
 * {@link NftKernelLab}, every source against the published port, the container directly and the
 * container's egress. First the kernel must give the research note's table (that proves the lab);
 * then the engine, reading a snapshot of the lab host, must give the kernel's verdict for each
 * (scenario, source, target).
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NftKernelOracleTest {
  private static final String UFW = NftKernelLab.fixture("ufw.rules");

  /**
   * One host firewall. {@code expected} holds the research note's cells, keyed
   * {@code "<source> <target>"} ({@code "198.18.20.1 host:8080"}, {@code "egress"}): true where the
   * connection completes, false where it does not. Attempts the note leaves open are measured
   * and compared with the engine all the same.
   */
  record Scenario(String name, String what, List<String> nftLayers, String iptablesLayer, Map<String, Boolean> expected,
      Map<String, String> snapshotFiles) {

    Scenario(String name, String what, List<String> nftLayers, String iptablesLayer, Map<String, Boolean> expected) {
      this(name, what, nftLayers, iptablesLayer, expected, NftKernelLab.dockerFiles("nftables"));
    }

    /** With firewalld running, FirewallBackend says so, and firewalld.conf says whether it is strict. */
    Scenario withFirewalld(boolean strict) {
      Map<String, String> files = new java.util.HashMap<>(NftKernelLab.dockerFiles("nftables+firewalld"));
      files.put("firewalld.conf", "FirewallBackend=nftables\nStrictForwardPorts=" + (strict ? "yes" : "no") + "\n");
      files.put("firewall-cmd-state.txt", "running\n");
      return new Scenario(name, what, nftLayers, iptablesLayer, expected, files);
    }

    /** A Podman host: no Docker files (podman-inspect.json is not written: the traces need none). */
    Scenario withoutDocker() {
      return new Scenario(name, what, nftLayers, iptablesLayer, expected, Map.of());
    }
  }

  /** What the kernel did in one scenario, and the snapshot taken while its ruleset was loaded. */
  record Measured(Scenario scenario, Map<NftKernelLab.Attempt, KernelOutcome> outcomes, Path snapshot) {}

  /**
   * The lab's results kept for the unit tests ({@code reach.NftKernelFoundTest}, no root): one
   * {@code SCENARIO KEY OUTCOME} line per attempt in {@value #VERDICTS}, and each scenario's
   * snapshot in a directory of its name. {@code -Dbreakwater.nft.oracle.record=DIR} writes them
   * anew (DIR: {@code src/test/resources/oracle/nft/recorded}).
   */
  static final String RECORDED = "/oracle/nft/recorded";
  static final String VERDICTS = "kernel-verdicts.txt";

  private final List<Measured> measured = new ArrayList<>();
  private Path work;

  static List<Scenario> scenarios() {
    String docker = NftKernelLab.dockerBridges();
    String s3a = ufwWith(List.of("-A ufw-user-input -p tcp -m tcp --dport 8080 -j ACCEPT"), List.of());
    String routeFrom9 = "-A ufw-user-forward -s 198.18.20.9/32 -d 198.19.20.2/32 -p tcp -m tcp --dport 80 -j ACCEPT";
    String s3b = ufwWith(List.of("-A ufw-user-input -p tcp -m tcp --dport 8080 -j ACCEPT"), List.of(routeFrom9));
    String s3c = ufwWith(List.of("-A ufw-user-input -p tcp -m tcp --dport 8080 -j ACCEPT"),
        List.of(routeFrom9, "-A ufw-user-forward -i " + NftKernelLab.BRIDGE + " -j ACCEPT"));
    return List.of(
        new Scenario("S1", "Docker 29 nft, nothing else", List.of(docker), "",
            cells(".1 host", true, ".9 host", true, ".1 direct", false, "egress", true)),
        new Scenario("S2", "+ UFW deny incoming, allow 22/tcp, routed deny", List.of(docker), UFW,
            cells(".1 host", false, ".9 host", false, "egress", false)),
        new Scenario("S3a", "+ ufw allow 8080/tcp", List.of(docker), s3a, cells(".1 host", false, "egress", false)),
        new Scenario("S3b", "+ ufw route allow proto tcp from .9 to 198.19.20.2 port 80", List.of(docker), s3b,
            cells(".1 host", false, ".9 host", true, "egress", false)),
        new Scenario("S3c", "+ ufw route allow in on br-lab", List.of(docker), s3c,
            cells(".1 host", false, ".9 host", true, "egress", true)),
        new Scenario("S4", "user table at filter - 1 (ct original proto-dst)",
            List.of(docker, NftKernelLab.fixture("s4-user-table.nft")), "",
            cells(".1 host", false, ".9 host", true, "egress", true)),
        new Scenario("S5", "user accepts at raw - 1 and filter - 1 for the container",
            List.of(docker, NftKernelLab.fixture("s5-early-accepts.nft")), "", cells(".1 direct", false, ".9 direct", false)),
        new Scenario("S6", "Docker docs' my-table example", List.of(docker, NftKernelLab.fixture("s6-my-table.nft")), "",
            cells(".1 host", false, ".9 host", true, "egress", false)),
        // Research §2.3 gives these from firewalld's code, not from a lab run: this lab runs them.
        new Scenario("F1", "+ firewalld filter_FORWARD at +10, ct status dnat accept",
            List.of(docker, NftKernelLab.fixture("firewalld.nft")), "",
            cells(".1 host", true, ".9 host", true, ".1 direct", false, "egress", true)).withFirewalld(false),
        new Scenario("F2", "+ firewalld StrictForwardPorts=yes, no forward-port",
            List.of(docker, NftKernelLab.fixture("firewalld-strict.nft")), "",
            cells(".1 host", false, ".9 host", false, ".1 direct", false, "egress", true)).withFirewalld(true),
        new Scenario("N1", "netavark 2.x inet netavark alone", List.of(NftKernelLab.fixture("netavark.nft")), "",
            cells(".1 host", true, ".9 host", true, "egress", true)).withoutDocker(),
        new Scenario("N2", "netavark 2.x + UFW routed deny", List.of(NftKernelLab.fixture("netavark.nft")), UFW,
            cells(".1 host", false, ".9 host", false, "egress", false)).withoutDocker());
  }

  /** UFW's ruleset with rules appended to ufw-user-input and ufw-user-forward. */
  private static String ufwWith(List<String> input, List<String> forward) {
    List<String> added = new ArrayList<>(input);
    added.addAll(forward);
    return UFW.replace("COMMIT\n", String.join("\n", added) + "\nCOMMIT\n");
  }

  /** Pairs of a short key ({@code ".9 host"}, {@code ".1 direct"}, {@code "egress"}) and whether it connects. */
  private static Map<String, Boolean> cells(Object... pairs) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      String key = (String) pairs[i];
      String full = key.equals("egress") ? "egress"
          : "198.18.20" + key.substring(0, key.indexOf(' ')) + " " + switch (key.substring(key.indexOf(' ') + 1)) {
            case "host" -> "host:" + NftKernelLab.PUBLISHED_PORT;
            case "direct" -> "direct:" + NftKernelLab.CONTAINER_PORT;
            default -> throw new IllegalArgumentException(key);
          };
      out.put(full, (Boolean) pairs[i + 1]);
    }
    return out;
  }

  static String key(NftKernelLab.Attempt a) {
    return a.origin() == NftKernelLab.Origin.CONTAINER ? "egress" : a.source() + " " + a.target();
  }

  @BeforeAll
  void measureEveryScenario() throws Exception {
    RootCheck.assumeRoot("needs root: creates network namespaces and loads nftables rulesets in them");
    work = Files.createTempDirectory("bwt-nft-oracle-");
    try (NftKernelLab lab = NftKernelLab.up()) {
      for (Scenario s : scenarios()) {
        lab.load(s.nftLayers(), s.iptablesLayer());
        Path snapshot = work.resolve(s.name());
        lab.snapshot(snapshot, s.snapshotFiles());
        Map<NftKernelLab.Attempt, KernelOutcome> outcomes = lab.probe(lab.attempts());
        measured.add(new Measured(s, outcomes, snapshot));
        System.out.println("nft kernel oracle: " + s.name() + " (" + s.what() + "): " + describe(outcomes));
      }
    }
    String record = System.getProperty("breakwater.nft.oracle.record", "");
    if (!record.isEmpty()) {
      record(Path.of(record));
    }
  }

  private List<String> verdictLines() {
    List<String> lines = new ArrayList<>();
    for (Measured m : measured) {
      m.outcomes().forEach((a, o) -> lines.add(m.scenario().name() + " " + key(a) + " " + o));
    }
    return lines;
  }

  private void record(Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve(VERDICTS), verdictLines());
    for (Measured m : measured) {
      Path to = Files.createDirectories(dir.resolve(m.scenario().name()));
      try (Stream<Path> files = Files.list(m.snapshot())) {
        for (Path f : files.toList()) {
          Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /**
   * What NftKernelFoundTest reads is what this lab does: the recorded verdicts are the kernel's
   * outcomes of this run, and the recorded snapshots are, file for file, the lab host's now.
   */
  @Test
  void theRecordedVerdictsAndSnapshotsAreTheLabs() throws Exception {
    Path recorded = Path.of(getClass().getResource(RECORDED).toURI());
    assertThat(verdictLines()).as("kernel outcomes against " + RECORDED + "/" + VERDICTS
        + " (record anew with -Dbreakwater.nft.oracle.record=src/test/resources" + RECORDED + ")")
        .containsExactlyElementsOf(Files.readAllLines(recorded.resolve(VERDICTS)));
    for (Measured m : measured) {
      Path kept = recorded.resolve(m.scenario().name());
      try (Stream<Path> files = Files.list(m.snapshot())) {
        for (Path file : files.toList()) {
          assertThat(Files.readString(file)).as(m.scenario().name() + "/" + file.getFileName())
              .isEqualTo(Files.readString(kept.resolve(file.getFileName())));
        }
      }
    }
  }

  @AfterAll
  void removeSnapshots() throws Exception {
    if (work == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(work)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String describe(Map<NftKernelLab.Attempt, KernelOutcome> outcomes) {
    StringBuilder s = new StringBuilder();
    outcomes.forEach((a, o) -> s.append(key(a)).append('=').append(o).append("; "));
    return s.toString();
  }

  @Test
  void theKernelGivesTheResearchTable() {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (Measured m : measured) {
      for (var e : m.outcomes().entrySet()) {
        Boolean want = m.scenario().expected().get(key(e.getKey()));
        if (want == null) {
          continue;
        }
        checked++;
        if (want != (e.getValue() == KernelOutcome.CONNECTED)) {
          wrong.add(m.scenario().name() + " " + e.getKey().describe() + ": kernel " + e.getValue() + ", research "
              + (want ? "connects" : "does not connect"));
        }
      }
    }
    assertThat(checked).as("research cells measured").isEqualTo(
        measured.stream().mapToInt(m -> m.scenario().expected().size()).sum());
    assertThat(wrong).as("cells where the lab's kernel is not research/nftables.md's").isEmpty();
  }

  /**
   * The engine on the same packets. Reached (connected, refused, half-open) must be its
   * "reachable", anything else its "blocked"; "possibly reachable" is a mismatch: every table
   * here is in the snapshot. Skipped, saying so, while the engine does not read nft-ruleset.json
   * into {@code Ruleset.nftTables}: then every answer here is "possibly".
   */
  @Test
  void theEngineAgreesWithTheKernel() {
    NftKernelFoundTest.assumeTheEngineReadsNftTables();
    List<String> mismatches = new ArrayList<>();
    for (Measured m : measured) {
      HostFacts facts = SnapshotDirectory.read(m.snapshot());
      Reachability engine = Reachability.of(facts);
      for (var e : m.outcomes().entrySet()) {
        NftKernelLab.Attempt a = e.getKey();
        Trace trace = engine.trace(packet(a));
        if (!KernelOracle.agrees(e.getValue(), trace.verdict(), false)) {
          mismatches.add(mismatch(m.scenario(), a, e.getValue(), trace));
        }
        if (a.destination().equals(NftKernelLab.HOST_ADDRESS) && !facts.containers().isEmpty()) {
          exposureMismatch(m.scenario(), engine, a, e.getValue()).ifPresent(mismatches::add);
        }
      }
    }
    mismatches.forEach(System.out::print);
    assertThat(mismatches).as("(scenario, packet) where the engine's verdict is not the kernel's (printed above)").isEmpty();
  }

  /**
   * The audit's answer for the same source: the published port's source class on the outside
   * link that holds {@code a}'s source must carry the kernel's verdict too.
   */
  static java.util.Optional<String> exposureMismatch(Scenario s, Reachability engine, NftKernelLab.Attempt a,
      KernelOutcome kernel) {
    var source = new IPAddressString(a.source()).getAddress();
    List<SourceClass> classes = engine.exposures().stream()
        .filter(r -> r.port().hostPort() == a.destinationPort())
        .flatMap(r -> r.classes().stream())
        .filter(c -> c.ingress().equals(a.inInterface()) && c.sources().stream().anyMatch(p -> p.contains(source)))
        .toList();
    if (classes.size() != 1) {
      return java.util.Optional.of(s.name() + ": exposures() of host port " + a.destinationPort() + " has "
          + classes.size() + " source classes on " + a.inInterface() + " holding " + a.source() + ": " + classes + "\n");
    }
    SourceClass c = classes.getFirst();
    return KernelOracle.agrees(kernel, c.verdict(), false) ? java.util.Optional.empty()
        : java.util.Optional.of(s.name() + " (" + s.what() + "): exposures() of host port " + a.destinationPort() + " for "
            + a.source() + " on " + a.inInterface() + ": kernel " + kernel + ", engine " + c.verdict().label() + " ("
            + c.because() + ")\n");
  }

  static Packet packet(NftKernelLab.Attempt a) {
    return new Packet(new IPAddressString(a.source()).getAddress(), new IPAddressString(a.destination()).getAddress(),
        Transport.TCP, a.sourcePort(), a.destinationPort(), a.inInterface());
  }

  static String mismatch(Scenario s, NftKernelLab.Attempt a, KernelOutcome kernel, Trace trace) {
    StringBuilder out = new StringBuilder();
    out.append(s.name()).append(" (").append(s.what()).append("): ").append(a.describe()).append(": kernel ")
        .append(kernel).append(", engine ").append(trace.verdict().label()).append('\n');
    trace.nat().ifPresent(n -> out.append("    nat: ").append(n.describe()).append('\n'));
    for (TraceStep step : trace.path()) {
      out.append("    ").append(step.describe()).append('\n');
    }
    out.append("    decision: ").append(trace.decision()).append('\n');
    return out.toString();
  }
}
