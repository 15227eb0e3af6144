package dev.breakwater.compose;

import dev.breakwater.lint.LintFinding;
import dev.breakwater.lint.LintConfig;
import dev.breakwater.lint.Linter;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Lints a text block and compares the findings with its {@code # expect: RULE[,RULE]} markers. */
public final class Fixtures {
  private static final Pattern EXPECT = Pattern.compile("#\\s*expect:\\s*([A-Z0-9, ]+)");

  private Fixtures() {}

  public static List<LintFinding> lint(String name, String text) {
    return Linter.lintText(Path.of(name), text, LintConfig.empty());
  }

  /** "line:RULE" for each marker. */
  public static Set<String> expected(String text) {
    Set<String> out = new TreeSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = EXPECT.matcher(lines[i]);
      if (m.find()) {
        for (String rule : m.group(1).split(",")) {
          if (!rule.isBlank()) {
            out.add((i + 1) + ":" + rule.trim());
          }
        }
      }
    }
    return out;
  }

  /** "line:RULE" for each unsuppressed finding. */
  public static Set<String> actual(List<LintFinding> findings) {
    Set<String> out = new TreeSet<>();
    for (LintFinding f : findings) {
      if (!f.suppressed()) {
        out.add(f.line() + ":" + f.rule().id());
      }
    }
    return out;
  }
}
