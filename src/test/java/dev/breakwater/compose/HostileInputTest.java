package dev.breakwater.compose;

import dev.breakwater.fix.PortFixer;
import dev.breakwater.lint.LintFinding;
import dev.breakwater.lint.LintConfig;
import dev.breakwater.lint.LintUnit;
import dev.breakwater.lint.Linter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzed YAML and command lines, alias bombs, huge files: a clear error or a result, never a
 * crash. Generators are seeded (docs/testing.md): -Dbreakwater.seed=N replays one case.
 */
class HostileInputTest {

  /** Either findings or a BadInputException whose message starts with file:line. */
  private static void lintsOrExplains(String name, String text) {
    try {
      Fixtures.lint(name, text);
    } catch (BadInputException e) {
      assertThat(e.getMessage()).matches("(?s)" + java.util.regex.Pattern.quote(name) + ":\\d+(:\\d+)?: .+");
    }
  }

  /** Fixed seeds, or the one given with -Dbreakwater.seed=N to replay a failure. */
  private static LongStream seeds() {
    String one = System.getProperty("breakwater.seed");
    return one != null ? LongStream.of(Long.parseLong(one)) : LongStream.rangeClosed(1, 300);
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }

  private static String chars(Random r, String alphabet, int maxLength) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(maxLength + 1);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  /** A compose file with fuzzed entries under a real key, and some YAML punctuation after it. */
  static String composeLike(Random r) {
    StringBuilder b = new StringBuilder("services:\n  s:\n    image: redis\n    ")
        .append(pick(r, "ports", "expose", "environment", "volumes", "ports", "ports")).append(":\n");
    int entries = r.nextInt(7);
    for (int i = 0; i < entries; i++) {
      String q = pick(r, "", "\"", "'");
      String port = r.nextBoolean() ? chars(r, "0123456789:.[]-/udptcsUDPTCS${}a", 24)
          : String.valueOf(r.nextInt(70000));
      b.append("      - ").append(q).append(port).append(q).append('\n');
    }
    return b.append(chars(r, " :-#&*!|>{}[]\"'\n\tabc", 20)).toString();
  }

  static String commandLine(Random r) {
    String[] words = {"docker", "run", "create", "container", "-p", "--publish", "-P", "--net=host",
        "--network", "host", "-e", "-v", "\\\n", "'", "\"", "$(", ")", "${X", "}", "$P",
        "published=1,target=", "--publish=", ";", "&&", "|", "#", "-dit", "redis", "mysql:8", "--requirepass"};
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(21);
    for (int i = 0; i < n; i++) {
      b.append(r.nextBoolean() ? words[r.nextInt(words.length)] : chars(r, "0123456789:.[]-/=,$'\"\\", 12)).append(' ');
    }
    return b.toString();
  }

  @TestFactory
  Stream<DynamicTest> fuzzedComposeFilesNeverCrash() {
    return seeds().mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
      Random r = new Random(seed);
      lintsOrExplains("compose.yaml", composeLike(r));
      lintsOrExplains("compose.yaml", chars(r, "abc:- \n\t#&*!|>{}[]\"'%@`,?0123456789\u00e9\ud83d\udc33", 80));
    }));
  }

  @TestFactory
  Stream<DynamicTest> fuzzedCommandLinesNeverCrash() {
    return seeds().mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
      String text = commandLine(new Random(seed));
      lintsOrExplains("deploy.sh", text);
      lintsOrExplains("Makefile", "all:\n\t" + text);
    }));
  }

  @TestFactory
  Stream<DynamicTest> fixOfFuzzedInputNeverLeavesAFixablePortBehind() {
    return seeds().mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
      String text = composeLike(new Random(seed));
      List<LintFinding> findings;
      try {
        findings = Fixtures.lint("compose.yaml", text);
      } catch (BadInputException e) {
        return; // a file that does not parse is never fixed
      }
      for (PortFixer.FileFix fix : new PortFixer("127.0.0.1").fix(findings)) {
        List<LintFinding> after = Fixtures.lint("compose.yaml", fix.newText());
        assertThat(after).filteredOn(f -> f.port().isPresent())
            .extracting(f -> f.rule().id()).doesNotContain("BW001", "BW002");
      }
    }));
  }

  @Test
  void aliasBombIsRejectedWithAClearError() {
    StringBuilder b = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'j'; c++) {
      b.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        b.append(i == 0 ? "" : ",").append('*').append(prev);
      }
      b.append("]\n");
      prev = c;
    }
    b.append("services:\n  s:\n    image: x\n    environment: *j\n");
    assertThatThrownBy(() -> Fixtures.lint("compose.yaml", b.toString()))
        .isInstanceOf(BadInputException.class).hasMessageContaining("compose.yaml:")
        .hasMessageContaining("aliases");
  }

  @Test
  void aMergeKeyBombIsRejectedToo() {
    // Few aliases (40), but each level merges the one below four times: 4^10 mappings expanded.
    StringBuilder b = new StringBuilder("x-0: &l0 {a: 1}\n");
    for (int i = 1; i <= 10; i++) {
      b.append("x-").append(i).append(": &l").append(i).append(" {<<: [*l").append(i - 1)
          .append(", *l").append(i - 1).append(", *l").append(i - 1).append(", *l").append(i - 1).append("]}\n");
    }
    b.append("services:\n  s:\n    <<: *l10\n    image: x\n");
    assertThatThrownBy(() -> Fixtures.lint("compose.yaml", b.toString()))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("compose.yaml:")
        .hasMessageContaining("alias bomb");
  }

  @Test
  void manyOrdinaryAliasesAreFine() {
    // A big real-world shape: shared defaults merged into 300 services (600 aliases).
    StringBuilder b = new StringBuilder("""
        x-logging: &logging
          driver: json-file
          options: {max-size: 10m}
        x-defaults: &defaults
          restart: unless-stopped
          environment:
            TZ: UTC
        services:
        """);
    for (int i = 0; i < 300; i++) {
      b.append("  s").append(i).append(":\n    <<: *defaults\n    logging: *logging\n    image: acme/web\n")
          .append("    ports: [\"127.0.0.1:").append(10000 + i).append(":80\"]\n");
    }
    b.append("  open:\n    <<: *defaults\n    image: acme/web\n    ports: [\"80:80\"]\n");
    assertThat(Fixtures.actual(Fixtures.lint("compose.yaml", b.toString())))
        .containsExactly((b.toString().split("\n", -1).length - 1) + ":BW001");
  }

  @Test
  void anAliasToItselfIsRejectedWithAClearError() {
    assertThatThrownBy(() -> Fixtures.lint("compose.yaml", "services: &s\n  web:\n    <<: *s\n    image: x\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("compose.yaml:");
  }

  @Test
  void deepNestingIsRejectedWithAClearError() {
    String deep = "services: " + "[".repeat(20000) + "]".repeat(20000) + "\n";
    assertThatThrownBy(() -> Fixtures.lint("compose.yaml", deep))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("compose.yaml:");
  }

  @Test
  void aVeryLargeFileIsRejectedBeforeParsing(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("compose.yaml");
    String line = "# " + "x".repeat(1000) + "\n";
    Files.writeString(big, "services: {}\n" + line.repeat(ComposeReader.MAX_CODE_POINTS / line.length() + 10));
    assertThatThrownBy(() -> new Linter(LintConfig.empty()).lint(new LintUnit.ComposeProject(List.of(big))))
        .isInstanceOf(BadInputException.class).hasMessageContaining("MiB limit");
  }

  @Test
  void yamlSyntaxErrorsNameLineAndColumn() {
    assertThatThrownBy(() -> Fixtures.lint("compose.yaml", "services:\n  web:\n    ports: [\"80:80\"\n    image: x\n"))
        .isInstanceOf(BadInputException.class).hasMessageMatching("compose\\.yaml:\\d+:\\d+: .+");
    assertThatThrownBy(() -> Fixtures.lint("compose.yaml", "services:\n  web:\n    image: a\n    image: b\n"))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("compose.yaml:4:");
  }
}
