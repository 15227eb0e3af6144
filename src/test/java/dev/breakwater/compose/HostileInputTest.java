package dev.breakwater.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fuzzed YAML and command lines, alias bombs, huge files: a clear error or a result, never a crash. */
class HostileInputTest {

  /** Either findings or a BadInputException whose message starts with file:line. */
  private static void lintsOrExplains(String name, String text) {
    try {
      Fixtures.lint(name, text);
    } catch (BadInputException e) {
      assertThat(e.getMessage()).matches("(?s)" + java.util.regex.Pattern.quote(name) + ":\\d+(:\\d+)?: .+");
    }
  }

  @Provide
  Arbitrary<String> composeLike() {
    Arbitrary<String> port = Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789:.[]-/udptcsUDPTCS$a{}").ofMaxLength(24),
        Arbitraries.integers().between(0, 70000).map(String::valueOf));
    Arbitrary<String> quote = Arbitraries.of("", "\"", "'");
    Arbitrary<String> entry = Combinators.combine(quote, port).as((q, p) -> "      - " + q + p + q);
    Arbitrary<String> junk = Arbitraries.strings().withChars(" :-#&*!|>{}[]\"'\n\tabc").ofMaxLength(20);
    return Combinators.combine(entry.list().ofMaxSize(6), junk, Arbitraries.of("ports", "expose", "environment", "volumes"))
        .as((entries, j, key) -> "services:\n  s:\n    image: redis\n    " + key + ":\n"
            + String.join("\n", entries) + "\n" + j);
  }

  @Property(tries = 400)
  void fuzzedComposeFilesNeverCrash(@ForAll("composeLike") String text) {
    lintsOrExplains("compose.yaml", text);
  }

  @Property(tries = 400)
  void arbitraryTextAsComposeNeverCrashes(@ForAll String text) {
    lintsOrExplains("compose.yaml", text);
  }

  @Provide
  Arbitrary<String> commandLines() {
    Arbitrary<String> word = Arbitraries.oneOf(
        Arbitraries.of("docker", "run", "create", "container", "-p", "--publish", "-P", "--net=host",
            "--network", "host", "-e", "-v", "\\\n", "'", "\"", "$(", ")", "${X", "}", "$P", "published=1,target=",
            "--publish=", ";", "&&", "|", "#", "-dit", "redis", "mysql:8", "--requirepass"),
        Arbitraries.strings().withChars("0123456789:.[]-/=,$'\"\\").ofMaxLength(12));
    return word.list().ofMaxSize(20).map(ws -> String.join(" ", ws));
  }

  @Property(tries = 600)
  void fuzzedCommandLinesNeverCrash(@ForAll("commandLines") String text) {
    lintsOrExplains("deploy.sh", text);
    lintsOrExplains("Makefile", "all:\n\t" + text);
  }

  @Property(tries = 300)
  void fixOfFuzzedInputNeverBreaksAFile(@ForAll("composeLike") String text) {
    List<Finding> findings;
    try {
      findings = Fixtures.lint("compose.yaml", text);
    } catch (BadInputException e) {
      return; // a file that does not parse is never fixed
    }
    for (PortFixer.FileFix fix : new PortFixer("127.0.0.1").fix(findings)) {
      List<Finding> after = Fixtures.lint("compose.yaml", fix.newText());
      assertThat(after).extracting(f -> f.rule().id() + (f.port().isPresent() ? "+fix" : ""))
          .doesNotContain("BW001+fix", "BW002+fix");
    }
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
