package dev.breakwater.reach;

import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.snapshot.SnapshotDirectory;
import inet.ipaddr.IPAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The engine on rulesets people posted publicly (corpus/public-*): each directory's EXPECTED.txt
 * is written from what the POSTER observed (SOURCE.md says where and what), never from the
 * engine's output.
 *
 * <p>EXPECTED.txt holds one claim a line ({@code #} starts a comment):
 *
 * <pre>
 * trace SOURCE DESTINATION PORT INTERFACE reachable|blocked|possibly-reachable   (a TCP first packet)
 * exposure CONTAINER HOST-IP HOST-PORT reachable-from CIDR[,CIDR...]             (exact)
 * exposure CONTAINER HOST-IP HOST-PORT nobody                                    (exact)
 * note TEXT                                                                      (a host note contains TEXT)
 * </pre>
 *
 * <p>A claim the engine answers otherwise is a failure, unless it is listed in {@link
 * #KNOWN_DISAGREEMENTS} (an engine bug to fix, with its reason) or {@link #POSSIBLY_BECAUSE} (the
 * engine says "possibly" and names the rule or reason it cannot model). A listed claim must still
 * disagree: when the engine is fixed, the entry goes.
 */
class PublicCorpusTest {
  /** "dir line" of a claim -> one-line reason the engine's answer differs from the poster's. */
  private static final Map<String, String> KNOWN_DISAGREEMENTS = Map.of(
      "public-11-oci-second-vnic-minecraft 9",
      "the poster's report has no sysctl.txt, so rp_filter is not applied (ReversePathFilterTest: with"
          + " strict it agrees); with loose or off the SYN-ACK leaves by enp0s6, and the reply's route is not modelled");

  /** "dir line" of a claim -> text the engine's "possibly" must name (a rule or a reason). */
  private static final Map<String, String> POSSIBLY_BECAUSE = Map.of();

  private static List<Path> publicDirs() throws IOException {
    try (Stream<Path> dirs = Files.list(Corpus.root())) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("public-")).sorted().toList();
    }
  }

  @Test
  void everyPublicDirectoryHasItsSourceAndClaims() throws IOException {
    assertThat(publicDirs()).isNotEmpty();
    for (Path dir : publicDirs()) {
      assertThat(dir.resolve("SOURCE.md")).as("%s", dir).isRegularFile();
      String source = Files.readString(dir.resolve("SOURCE.md"));
      assertThat(source).as("%s: SOURCE.md names its URL", dir).contains("https://");
      assertThat(claims(dir)).as("%s: EXPECTED.txt claims", dir).isNotEmpty();
    }
    for (String key : concat(KNOWN_DISAGREEMENTS.keySet(), POSSIBLY_BECAUSE.keySet())) {
      assertThat(Corpus.dir(key.split(" ")[0])).as("listed %s", key).isDirectory();
    }
  }

  @TestFactory
  Stream<DynamicTest> theEngineAgreesWithWhatThePosterObserved() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path dir : publicDirs()) {
      String name = dir.getFileName().toString();
      for (Claim claim : claims(dir)) {
        String key = name + " " + claim.line();
        tests.add(DynamicTest.dynamicTest(key + ": " + claim.text(), () -> check(dir, key, claim)));
      }
    }
    return tests.stream();
  }

  private static void check(Path dir, String key, Claim claim) {
    Reachability r = Reachability.of(SnapshotDirectory.read(dir));
    Answer answer = answer(r, claim);
    if (KNOWN_DISAGREEMENTS.containsKey(key)) {
      assertThat(answer.agrees()).as("%s is listed as a known disagreement (%s) but now agrees: remove it from the list",
          key, KNOWN_DISAGREEMENTS.get(key)).isFalse();
    } else if (POSSIBLY_BECAUSE.containsKey(key)) {
      assertThat(answer.possiblyBecause()).as("%s: the engine's possibly names %s", key, POSSIBLY_BECAUSE.get(key))
          .anySatisfy(why -> assertThat(why).contains(POSSIBLY_BECAUSE.get(key)));
      assertThat(answer.agrees()).as("%s is listed as possibly but now agrees: remove it from the list", key).isFalse();
    } else {
      assertThat(answer.agrees()).as("%s: the poster observed '%s'; the engine answers %s", key, claim.text(), answer.said())
          .isTrue();
    }
  }

  /** The engine's answer to one claim: whether it agrees, what it said, and what its "possibly" names. */
  private record Answer(boolean agrees, String said, List<String> possiblyBecause) {}

  private static Answer answer(Reachability r, Claim claim) {
    String[] w = claim.text().split("\\s+");
    switch (w[0]) {
      case "trace" -> {
        Trace t = r.trace(new Packet(ip(w[1]), ip(w[2]), Transport.TCP, 50000, Integer.parseInt(w[3]), w[4]));
        String said = t.verdict().label() + " (" + t.decidedBy().map(Rule::text).orElse(t.decision()) + ")";
        return new Answer(t.verdict().label().equals(w[5]), said, whyPossibly(t.verdict()));
      }
      case "exposure" -> {
        List<PortReach> found = r.exposures().stream()
            .filter(e -> e.container().name().equals(w[1]) && e.port().hostIp().equals(ip(w[2]))
                && e.port().hostPort() == Integer.parseInt(w[3]))
            .toList();
        assertThat(found).as("exposure %s %s:%s in the snapshot", w[1], w[2], w[3]).hasSize(1);
        PortReach e = found.get(0);
        List<String> reachable = e.reachableFrom().stream().map(IPAddress::toString).toList();
        String said = "reachable from " + reachable + ", possibly from "
            + e.possiblyReachableFrom().stream().map(IPAddress::toString).toList();
        List<String> why = new ArrayList<>(e.uncertainBecause().stream().map(Rule::text).toList());
        e.classes().forEach(c -> why.addAll(whyPossibly(c.verdict())));
        boolean agrees = e.exact() && e.possiblyReachableFrom().isEmpty() && switch (w[4]) {
          case "nobody" -> reachable.isEmpty();
          case "reachable-from" -> reachable.equals(List.of(w[5].split(",")));
          default -> throw new IllegalArgumentException("exposure claim " + claim.text());
        };
        return new Answer(agrees, said, why);
      }
      case "note" -> {
        String text = claim.text().substring("note ".length());
        List<String> notes = r.notes().stream().map(ReachNote::text).toList();
        return new Answer(notes.stream().anyMatch(n -> n.contains(text)), "notes " + notes, List.of());
      }
      default -> throw new IllegalArgumentException("unknown claim " + claim.text());
    }
  }

  private static List<String> whyPossibly(Verdict v) {
    if (v instanceof Verdict.PossiblyReachable p) {
      List<String> why = new ArrayList<>(p.reasons());
      p.uncertainBecause().forEach(rule -> why.add(rule.text()));
      return why;
    }
    return List.of();
  }

  private record Claim(int line, String text) {}

  private static List<Claim> claims(Path dir) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("EXPECTED.txt"));
    List<Claim> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i).strip();
      if (!text.isEmpty() && !text.startsWith("#")) {
        out.add(new Claim(i + 1, text));
      }
    }
    return out;
  }

  private static List<String> concat(java.util.Collection<String> a, java.util.Collection<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }
}
