package dev.breakwater.fix;

import dev.breakwater.compose.Fixtures;
import dev.breakwater.lint.LintFinding;
import dev.breakwater.lint.LintConfig;
import dev.breakwater.lint.Linter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fix, re-parse, re-lint: clean; the diff touches only port entries; a second run changes nothing. */
class PortFixerTest {

  private static final String COMPOSE = """
      # Production stack — do not reformat ✨
      services:
        db:
          image: "ghcr.io/acme/app:1"      # pinned
          environment:
            MYSQL_ROOT_PASSWORD_FILE: /run/secrets/db
          ports:
            - "3306:3306"       # expect-fix
            - 2222:22           # expect-fix
            - '8080:80'         # expect-fix
            - "3307"            # expect-fix
            - "::3308"          # expect-fix
            - "127.0.0.1:9000:9000"
            - "0.0.0.0:80:80"
            - "${WEB_PORT:-8081}:80"   # expect-fix
            - "53:53/udp"       # expect-fix
        web:
          image: acme/web
          ports:
            - target: 80
              published: 8082
              protocol: tcp     # expect-fix
            - {target: 443, published: 8443}   # expect-fix
            - target: 81
              host_ip: ""       # expect-fix
              published: 8083
            - "8084:80"  # breakwater:ignore BW001 public on purpose
      """;

  private static List<PortFixer.FileFix> fix(String name, String text, String bind) {
    return new PortFixer(bind).fix(Fixtures.lint(name, text));
  }

  private static Set<Integer> markedLines(String text, String marker) {
    Set<Integer> out = new TreeSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(marker)) {
        out.add(i + 1);
      }
    }
    return out;
  }

  /** Old-file line numbers the diff removes or adds after. */
  private static Set<Integer> touchedOldLines(String diff) {
    Set<Integer> out = new TreeSet<>();
    int old = 0;
    for (String l : diff.split("\n")) {
      if (l.startsWith("@@")) {
        old = Integer.parseInt(l.replaceAll("^@@ -(\\d+),.*$", "$1"));
      } else if (l.startsWith("---") || l.startsWith("+++")) {
        continue;
      } else if (l.startsWith("-")) {
        out.add(old++);
      } else if (l.startsWith("+")) {
        out.add(old - 1);
      } else {
        old++;
      }
    }
    return out;
  }

  /** Applies a unified diff as {@code patch} would, checking every context and removed line. */
  private static String applyDiff(String old, String diff) {
    List<String> in = new ArrayList<>(List.of(old.split("\n", -1)));
    List<String> out = new ArrayList<>();
    int next = 0; // index in {@code in} of the next line not yet copied
    for (String l : diff.split("\n")) {
      if (l.startsWith("---") || l.startsWith("+++")) {
        continue;
      }
      if (l.startsWith("@@")) {
        int from = Integer.parseInt(l.replaceAll("^@@ -(\\d+),(\\d+) .*$", "$1"));
        int count = Integer.parseInt(l.replaceAll("^@@ -(\\d+),(\\d+) .*$", "$2"));
        int start = count == 0 ? from : from - 1;
        while (next < start) {
          out.add(in.get(next++));
        }
      } else if (l.startsWith("+")) {
        out.add(l.substring(1));
      } else {
        assertThat(in.get(next)).as("diff line '%s' matches the old file", l).isEqualTo(l.substring(1));
        if (l.startsWith(" ")) {
          out.add(in.get(next));
        }
        next++;
      }
    }
    while (next < in.size()) {
      out.add(in.get(next++));
    }
    return String.join("\n", out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "172.17.0.1", "::1"})
  void composeRoundTrip(String bind) {
    List<PortFixer.FileFix> fixes = fix("compose.yaml", COMPOSE, bind);
    assertThat(fixes).hasSize(1);
    PortFixer.FileFix fix = fixes.get(0);
    assertThat(fix.skipped()).isEmpty();
    // Re-parse and re-lint: nothing left unbound except the suppressed entry.
    List<LintFinding> after = Fixtures.lint("compose.yaml", fix.newText());
    assertThat(after).filteredOn(f -> !f.suppressed())
        .extracting(f -> f.rule().id()).doesNotContain("BW001", "BW009");
    // A data store bound to docker0 is still reported: medium, reachable from 172.16.0.0/12.
    assertThat(after).filteredOn(f -> f.rule().id().equals("BW002"))
        .allSatisfy(f -> assertThat(f.severity()).isEqualTo(bind.equals("172.17.0.1")
            ? dev.breakwater.catalog.Severity.MEDIUM : null));
    // Only the lines of port entries changed.
    assertThat(touchedOldLines(fix.diff())).isEqualTo(markedLines(COMPOSE, "# expect-fix"));
    // Everything else is byte for byte the same: removing the inserted text gives the original.
    // (IPv6 is the exception: an unquoted entry must be quoted, see ipv6InAPlainScalarIsQuoted.)
    if (!bind.contains(":")) {
      StringBuilder b = new StringBuilder(fix.newText());
      List<Edit> sorted = new ArrayList<>(fix.edits());
      sorted.sort((x, y) -> Integer.compare(x.start(), y.start()));
      for (Edit e : sorted) {
        assertThat(e.start()).as("fix only inserts in compose files").isEqualTo(e.end());
        // Earlier insertions are already removed, so original offsets apply.
        assertThat(b.substring(e.start(), e.start() + e.text().length())).isEqualTo(e.text());
        b.delete(e.start(), e.start() + e.text().length());
      }
      assertThat(b.toString()).isEqualTo(COMPOSE);
    }
    assertThat(applyDiff(COMPOSE, fix.diff())).as("the printed diff applies").isEqualTo(fix.newText());
    // Idempotent: a second run finds nothing to change.
    assertThat(fix("compose.yaml", fix.newText(), bind)).allSatisfy(f -> assertThat(f.edits()).isEmpty());
  }

  @Test
  void composeEditsAreExactlyTheExpectedOnes() {
    String fixed = fix("compose.yaml", COMPOSE, "127.0.0.1").get(0).newText();
    assertThat(fixed)
        .contains("- \"127.0.0.1:3306:3306\"       # expect-fix")
        .contains("- 127.0.0.1:2222:22           # expect-fix")
        .contains("- '127.0.0.1:8080:80'         # expect-fix")
        .contains("- \"127.0.0.1::3307\"            # expect-fix")
        .contains("- \"127.0.0.1::3308\"          # expect-fix")
        .contains("- \"127.0.0.1:${WEB_PORT:-8081}:80\"")
        .contains("        protocol: tcp     # expect-fix\n        host_ip: 127.0.0.1\n")
        .contains("{target: 443, published: 8443, host_ip: 127.0.0.1}")
        .contains("host_ip: \"127.0.0.1\"       # expect-fix")
        .contains("- \"8084:80\"  # breakwater:ignore")
        .contains("- \"0.0.0.0:80:80\"");
  }

  @Test
  void ipv6InAPlainScalarIsQuoted() {
    String fixed = fix("compose.yaml", "services:\n  a:\n    image: x\n    ports:\n      - 8080:80\n", "::1")
        .get(0).newText();
    assertThat(fixed).isEqualTo("services:\n  a:\n    image: x\n    ports:\n      - \"[::1]:8080:80\"\n");
  }

  private static final String SCRIPT = """
      #!/bin/sh
      # deploy
      docker run -d \\
        -p 3306:3306 \\
        -e MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db mysql:8
      docker run -p8080:80 --publish=8081:80 --publish "8082:80" acme/web
      docker run --publish published=8083,target=80,protocol=udp acme/web
      docker run -p 127.0.0.1:8084:80 -p 0.0.0.0:8085:80 acme/web
      """;

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void scriptRoundTrip(String bind) {
    PortFixer.FileFix fix = fix("deploy.sh", SCRIPT, bind).get(0);
    assertThat(fix.edits()).hasSize(5);
    assertThat(Fixtures.lint("deploy.sh", fix.newText()))
        .extracting(f -> f.rule().id()).doesNotContain("BW001", "BW002");
    assertThat(touchedOldLines(fix.diff())).containsExactly(4, 6, 7);
    assertThat(applyDiff(SCRIPT, fix.diff())).as("the printed diff applies").isEqualTo(fix.newText());
    assertThat(fix("deploy.sh", fix.newText(), bind)).allSatisfy(f -> assertThat(f.edits()).isEmpty());
    if (bind.equals("127.0.0.1")) {
      assertThat(fix.newText()).contains("-p 127.0.0.1:3306:3306 \\")
          .contains("docker run -p127.0.0.1:8080:80 --publish=127.0.0.1:8081:80 --publish \"127.0.0.1:8082:80\" acme/web")
          .contains("--publish 127.0.0.1:8083:80/udp acme/web");
    } else {
      assertThat(fix.newText()).contains("-p '[::1]':3306:3306 \\")
          .contains("--publish \"[::1]:8082:80\"")
          .contains("--publish '[::1]:8083:80/udp'");
    }
  }

  @Test
  void unifiedDiffFormat() {
    String diff = fix("compose.yaml", "services:\n  a:\n    image: x\n    ports:\n      - \"80:80\"\n", "127.0.0.1")
        .get(0).diff();
    assertThat(diff).isEqualTo("""
        --- a/compose.yaml
        +++ b/compose.yaml
        @@ -2,4 +2,4 @@
           a:
             image: x
             ports:
        -      - "80:80"
        +      - "127.0.0.1:80:80"
        """);
  }

  @Test
  void aLineAddedAtTheEndOfTheFileIsAnAdditionOnly() {
    String text = "services:\n  a:\n    image: x\n    ports:\n      - target: 80\n        published: 8080\n";
    PortFixer.FileFix fix = fix("compose.yaml", text, "127.0.0.1").get(0);
    assertThat(fix.newText()).isEqualTo(text + "        host_ip: 127.0.0.1\n");
    assertThat(fix.diff()).isEqualTo("""
        --- a/compose.yaml
        +++ b/compose.yaml
        @@ -4,3 +4,4 @@
             ports:
               - target: 80
                 published: 8080
        +        host_ip: 127.0.0.1
        """);
    assertThat(applyDiff(text, fix.diff())).isEqualTo(fix.newText());
  }

  @Test
  void aWholeVariableIsNotEdited() {
    List<PortFixer.FileFix> fixes = new PortFixer("127.0.0.1").fix(Linter.lintText(Path.of("run.sh"),
        "M=8080:80\ndocker run -p \"$M\" acme/web\n", LintConfig.empty()));
    assertThat(fixes).hasSize(1);
    assertThat(fixes.get(0).edits()).isEmpty();
    assertThat(fixes.get(0).skipped()).singleElement().asString().contains("run.sh:2");
  }

  @Test
  void codePointOffsetsAreConvertedForFilesWithEmoji() {
    String text = "# 🚀🚀🚀 launch\nservices:\n  a:\n    image: x # 🐳\n    ports: [\"80:80\"]\n";
    String fixed = fix("compose.yaml", text, "127.0.0.1").get(0).newText();
    assertThat(fixed).isEqualTo(text.replace("\"80:80\"", "\"127.0.0.1:80:80\""));
  }
}
