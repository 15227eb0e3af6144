package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.ExpectedOpen;
import dev.breakwater.audit.FleetHost;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.problem.InputProblem;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.snapshot.SnapshotContent;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet analyses equal snapshots once and lends the audit to the others: every host's answer
 * must still be exactly what {@code audit --from} that one snapshot says. Seeded fleets of the
 * whole corpus, each scenario copied several times with its name changed or dropped, a byte
 * changed, a file swapped in from another scenario, or broken, in a shuffled order.
 */
class FleetReuseTest {
  private static final long[] SEEDS = {1, 2, 3};
  private static final ExpectedOpen SSH_ONLY = ExpectedOpen.parse(List.of("22/tcp"));

  @TempDir Path root;

  @TestFactory
  Stream<DynamicTest> everyHostOfAVariedFleetIsItsOneHostAudit() {
    return java.util.Arrays.stream(SEEDS).boxed().flatMap(seed -> Stream.of(ExpectedOpen.NONE, SSH_ONLY)
        .map(expected -> DynamicTest.dynamicTest("seed " + seed + (expected.given() ? ", --expect-open 22/tcp" : ""), () -> {
          List<Path> fleet = variedFleet(root.resolve("fleet-" + seed + (expected.given() ? "-e" : "")), new Random(seed));
          FleetRun.Result run = FleetRun.run(fleet, expected);

          assertThat(run.hosts()).hasSize(fleet.size());
          for (int i = 0; i < fleet.size(); i++) {
            assertThat(json(run.hosts().get(i))).as(fleet.get(i).toString()).isEqualTo(json(single(fleet.get(i), expected)));
          }
          Set<SnapshotContent> distinct = new HashSet<>();
          fleet.forEach(dir -> distinct.add(SnapshotContent.of(dir).orElseThrow()));
          // Reuse happened (fewer analyses than hosts), and never across snapshots that differ.
          assertThat(run.analysed()).isLessThan(fleet.size()).isGreaterThanOrEqualTo(distinct.size());
        })));
  }

  @Test
  void anAuditThatNamesItsOwnDirectoryIsNotLentToAnother() throws IOException {
    // filter-only-dump's audit names DIR/iptables-save.txt in a note: each copy is analysed itself.
    Path a = copy(Corpus.dir("filter-only-dump"), root.resolve("a"));
    Path b = copy(Corpus.dir("filter-only-dump"), root.resolve("b"));
    FleetRun.Result run = FleetRun.run(List.of(a, b), ExpectedOpen.NONE);

    assertThat(Json.write(run.hosts().get(1).report())).contains(b.toString()).doesNotContain(a.toString());
    assertThat(run.analysed()).isEqualTo(2);
    assertThat(json(run.hosts().get(1))).isEqualTo(json(single(b, ExpectedOpen.NONE)));
  }

  @Test
  void equalSnapshotsButTheirNamesAreAnalysedOnce() throws IOException {
    Path a = copy(Corpus.dir("docker-28-ufw-bypass"), root.resolve("a"));
    Path b = copy(Corpus.dir("docker-28-ufw-bypass"), root.resolve("b"));
    Files.writeString(b.resolve("hostname"), "db-02\n");
    FleetRun.Result run = FleetRun.run(List.of(a, b), ExpectedOpen.NONE);

    assertThat(run.analysed()).isEqualTo(1);
    assertThat(run.hosts().get(1).host()).isEqualTo("db-02");
    assertThat(run.hosts().get(1).snapshot()).isEqualTo(b.toString());
    assertThat(json(run.hosts().get(1))).isEqualTo(json(single(b, ExpectedOpen.NONE)));
  }

  /** Each corpus scenario two to four times, each copy varied or not, in a shuffled order. */
  private static List<Path> variedFleet(Path dir, Random random) throws IOException {
    List<Path> scenarios;
    try (Stream<Path> s = Files.list(Corpus.root())) {
      scenarios = s.filter(Files::isDirectory).sorted().toList();
    }
    List<Path> fleet = new ArrayList<>();
    for (Path scenario : scenarios) {
      int copies = 2 + random.nextInt(3);
      for (int c = 0; c < copies; c++) {
        Path host = copy(scenario, dir.resolve(scenario.getFileName() + "-" + c));
        vary(host, scenarios, random);
        fleet.add(host);
      }
    }
    Collections.shuffle(fleet, random);
    return fleet;
  }

  private static void vary(Path host, List<Path> scenarios, Random random) throws IOException {
    switch (random.nextInt(8)) {
      case 0 -> Files.writeString(host.resolve("hostname"), host.getFileName() + "\n"); // its own name
      case 1 -> Files.deleteIfExists(host.resolve("hostname"));                        // named by its directory
      case 2 -> Files.writeString(host.resolve("iptables-save.txt"),                   // a byte more
          Files.readString(host.resolve("iptables-save.txt")) + "# drift\n");
      case 3 -> {                                                                       // another host's addresses
        Path other = scenarios.get(random.nextInt(scenarios.size())).resolve("ip-addr.json");
        if (Files.exists(other)) {
          Files.copy(other, host.resolve("ip-addr.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      case 4 -> Files.writeString(host.resolve("docker-inspect.json"), "[\n");       // bad input
      case 5 -> Files.write(host.resolve("hostname"), new byte[] {(byte) 0xff, '\n'}); // a hostname not UTF-8
      default -> { }                                                                    // an exact copy
    }
  }

  /** What {@code audit --from DIR} says, as AuditCommand makes it, in the fleet's host form. */
  private static FleetHost single(Path dir, ExpectedOpen expected) {
    try {
      AuditReport report = HostAudit.run(SnapshotDirectory.read(dir), expected);
      return FleetHost.audited(dir.toString(), report);
    } catch (RuntimeException e) {
      if (e instanceof InputProblem problem) {
        return FleetHost.badInput(SnapshotDirectory.hostname(dir), dir.toString(), problem.getMessage());
      }
      throw e;
    }
  }

  private static String json(FleetHost host) {
    return Json.write(host);
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }
}
