package dev.breakwater.lint;

import dev.breakwater.compose.BadInputException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lint config file: which findings an ignore entry matches, and what it refuses. */
class LintConfigTest {
  @TempDir Path dir;

  private static final String COMPOSE = """
      services:
        web:
          image: acme/web
          ports: ["8080:80"]
        db:
          image: postgres
          environment: [POSTGRES_PASSWORD=postgres]
          ports: ["127.0.0.1:5432:5432"]
      """;

  private LintConfig config(String yaml) throws Exception {
    Path p = dir.resolve("lint.yaml");
    Files.writeString(p, yaml);
    return LintConfig.load(p);
  }

  private static List<String> unsuppressed(String path, LintConfig config) {
    return Linter.lintText(Path.of(path), COMPOSE, config).stream().filter(f -> !f.suppressed())
        .map(f -> f.service() + ":" + f.rule().id()).sorted().toList();
  }

  @Test
  void withoutAConfigEverythingIsReported() {
    assertThat(unsuppressed("compose.yaml", LintConfig.empty())).containsExactly("db:BW006", "web:BW001");
  }

  @Test
  void ruleByIdOrNameNarrowedByServiceAndPath() throws Exception {
    LintConfig c = config("""
        ignore:
          - rule: PublishedOnAllInterfaces
            service: web
            reason: the public site
          - rule: BW006
            path: "lab/**"
            reason: throw-away lab databases
        """);
    assertThat(unsuppressed("compose.yaml", c)).containsExactly("db:BW006");
    assertThat(unsuppressed("lab/one/compose.yaml", c)).isEmpty();
    List<LintFinding> all = Linter.lintText(Path.of("lab/compose.yaml"), COMPOSE, c);
    assertThat(all).filteredOn(f -> f.rule().id().equals("BW006"))
        .singleElement().satisfies(f -> assertThat(f.suppression()).contains("throw-away lab databases"));
  }

  @Test
  void serviceMustMatchExactly() throws Exception {
    LintConfig c = config("ignore:\n  - rule: all\n    service: we\n    reason: typo\n");
    assertThat(unsuppressed("compose.yaml", c)).containsExactly("db:BW006", "web:BW001");
  }

  @Test
  void allSuppressesEveryRule() throws Exception {
    assertThat(unsuppressed("compose.yaml", config("ignore:\n  - {rule: all, reason: fixtures}\n"))).isEmpty();
  }

  @Test
  void anEmptyFileIgnoresNothing() throws Exception {
    assertThat(unsuppressed("compose.yaml", config(""))).hasSize(2);
  }

  @Test
  void mistakesAreReportedWithTheirPosition() {
    assertThatThrownBy(() -> config("ignore:\n  - rule: BW001\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageEndingWith("lint.yaml:2:5: expected 'rule' and a non-empty 'reason' (and optionally 'path', 'service')");
    assertThatThrownBy(() -> config("ignore:\n  - rule: BW01\n    reason: typo\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageEndingWith("lint.yaml:2:11: unknown rule 'BW01' (see breakwater lint --list-rules)");
    assertThatThrownBy(() -> config("ignores:\n  - rule: BW001\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageEndingWith("lint.yaml:1:1: expected a mapping with an 'ignore' list");
    assertThatThrownBy(() -> config("ignore: {rule: BW001}\n"))
        .isInstanceOf(BadInputException.class)
        .hasMessageEndingWith("lint.yaml:1:9: expected a mapping with an 'ignore' list");
    assertThatThrownBy(() -> config("ignore:\n  - rule: [unclosed\n"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("lint.yaml:");
  }
}
