package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/architecture.md, checked on the sources: floors (a package imports only
 * packages on floors below its own), the one edge per mechanism, unique type names. A new
 * package must be given a floor here and a sentence in docs/architecture.md.
 */
class LayoutTest {
  /** Floor of every main package, top floor first (docs/architecture.md has the same table). */
  static final Map<String, Integer> FLOORS = Map.ofEntries(
      Map.entry("cli", 8),
      Map.entry("watch", 7), Map.entry("demo", 7),
      Map.entry("firewall", 6), Map.entry("lab", 6),
      Map.entry("gather", 5), Map.entry("plan", 5), Map.entry("audit", 5), Map.entry("trace", 5), Map.entry("probe", 5),
      Map.entry("reach", 4), Map.entry("policy", 4), Map.entry("snapshot", 4), Map.entry("fix", 4),
      Map.entry("lint", 3), Map.entry("host", 3),
      Map.entry("netfilter", 2), Map.entry("ufw", 2), Map.entry("compose", 2), Map.entry("hostconf", 2), Map.entry("docker", 2), Map.entry("system", 2),
      Map.entry("net", 1), Map.entry("catalog", 1), Map.entry("input", 1),
      Map.entry("problem", 0));

  /** Packages that run in a test without root: they import no edge. */
  static final Set<String> PURE = Set.of("net", "netfilter", "ufw", "host", "reach", "audit", "plan", "policy", "lint",
      "compose", "fix", "trace", "catalog", "snapshot", "problem", "input", "hostconf");
  static final Set<String> EDGES = Set.of("system", "docker", "gather", "firewall", "lab", "demo", "watch", "cli");

  private static final Path MAIN = Path.of("src/main/java/dev/breakwater");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.breakwater\\.([a-z]+)\\.", Pattern.MULTILINE);
  private static final Pattern QUALIFIED = Pattern.compile("\\bdev\\.breakwater\\.([a-z]+)\\.[A-Z]");

  record Source(String pkg, Path file, String text) {
    /** The code without comments, so that a rule is about what runs, not what is said. */
    String code() {
      return text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
    }
  }

  private static List<Source> sources;

  @BeforeAll
  static void read() throws IOException {
    sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
        sources.add(new Source(pkg, f, Files.readString(f)));
      }
    }
    assertThat(sources).hasSizeGreaterThan(100);
  }

  @Test
  void everyPackageHasAFloor() {
    assertThat(sources.stream().map(Source::pkg).distinct()).allSatisfy(p -> assertThat(FLOORS).containsKey(p));
  }

  @Test
  void aPackageImportsOnlyFloorsBelowItsOwn() {
    List<String> upward = new ArrayList<>();
    for (Source s : sources) {
      for (Pattern p : List.of(IMPORT, QUALIFIED)) {
        Matcher m = p.matcher(s.code());
        while (m.find()) {
          String target = m.group(1);
          if (!target.equals(s.pkg()) && FLOORS.getOrDefault(target, 99) >= FLOORS.getOrDefault(s.pkg(), 0)) {
            upward.add(s.file() + ": " + s.pkg() + " (" + FLOORS.get(s.pkg()) + ") uses " + target + " (" + FLOORS.get(target) + ")");
          }
        }
      }
    }
    assertThat(upward).isEmpty();
  }

  @Test
  void purePackagesImportNoEdge() {
    List<String> found = new ArrayList<>();
    for (Source s : sources) {
      if (!PURE.contains(s.pkg())) {
        continue;
      }
      Matcher m = IMPORT.matcher(s.code());
      while (m.find()) {
        if (EDGES.contains(m.group(1))) {
          found.add(s.file() + " imports " + m.group(1));
        }
      }
      if (s.code().contains("ProcessBuilder") || s.code().contains("java.net.Socket") || s.code().contains("SocketChannel")) {
        found.add(s.file() + " starts processes or opens sockets");
      }
    }
    assertThat(found).isEmpty();
  }

  @Test
  void onlySystemStartsProcesses() {
    assertThat(filesWhoseCodeMatches("\\bProcessBuilder\\b|Runtime\\.getRuntime\\(\\)\\.exec")).allMatch(f -> f.startsWith("system."));
  }

  @Test
  void onlySystemNamesTheNetfilterTools() {
    // The tools as a command word: a string literal that is exactly the tool's name.
    assertThat(filesWhoseCodeMatches("(List\\.of|add|addFirst|asList)\\(\\s*\"(ip6?tables(-save|-restore|-legacy|-nft)?|nft|ipset|conntrack)\""))
        .allMatch(f -> f.startsWith("system."));
  }

  @Test
  void onlySystemRenamesAFileIntoPlace() {
    assertThat(filesWhoseCodeMatches("Files\\.move\\(|ATOMIC_MOVE")).allMatch(f -> f.startsWith("system."));
  }

  @Test
  void onlyDockerOpensTheDockerSocket() {
    assertThat(filesWhoseCodeMatches("UnixDomainSocketAddress")).allMatch(f -> f.startsWith("docker."));
  }

  @Test
  void nothingButCliKnowsExitCodes() {
    assertThat(filesWhoseCodeMatches("\\bExitCodes\\b|System\\.exit\\(")).allMatch(f -> f.startsWith("cli."));
  }

  @Test
  void aTypeNameIsUniqueAcrossTheHouse() {
    Map<String, List<String>> byName = new TreeMap<>();
    Pattern type = Pattern.compile("^\\s*(?:public |protected |private |static |final |abstract |sealed |non-sealed )*(?:class|record|interface|enum) ([A-Z]\\w*)", Pattern.MULTILINE);
    for (Source s : sources) {
      Matcher m = type.matcher(s.code());
      // Top-level types only: the file's own name.
      String own = s.file().getFileName().toString().replace(".java", "");
      while (m.find()) {
        if (m.group(1).equals(own)) {
          byName.computeIfAbsent(own, k -> new ArrayList<>()).add(s.pkg());
        }
      }
    }
    Map<String, List<String>> repeated = new HashMap<>();
    byName.forEach((name, pkgs) -> {
      if (pkgs.stream().distinct().count() > 1) {
        repeated.put(name, pkgs);
      }
    });
    assertThat(repeated).isEmpty();
  }

  private static List<String> filesWhoseCodeMatches(String regex) {
    Pattern p = Pattern.compile(regex);
    return sources.stream().filter(s -> p.matcher(s.code()).find())
        .map(s -> s.pkg() + "." + s.file().getFileName()).toList();
  }
}
