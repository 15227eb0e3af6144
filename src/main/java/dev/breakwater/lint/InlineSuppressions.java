package dev.breakwater.lint;

import dev.breakwater.compose.SourceFile;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code # breakwater:ignore RULE[,RULE] reason} comments. One applies to its own line and, when
 * it stands alone on its line, to the next line. RULE is an id ({@code BW001}), a name ({@code
 * PublishedOnAllInterfaces}) or {@code all}.
 */
final class InlineSuppressions {
  private static final Pattern DIRECTIVE = Pattern.compile("#\\s*breakwater:ignore\\s+([A-Za-z0-9_,-]+)\\s*(.*)$");

  private record Directive(String rules, String reason) {}

  private final Map<Integer, Directive> byLine = new HashMap<>();

  InlineSuppressions(SourceFile file) {
    if (!file.text().contains("breakwater:ignore")) {
      return;
    }
    for (int line = 1; line <= file.lineCount(); line++) {
      String text = file.lineText(line);
      Matcher m = DIRECTIVE.matcher(text);
      if (m.find()) {
        Directive d = new Directive(m.group(1), m.group(2).isBlank() ? "suppressed inline" : m.group(2).trim());
        byLine.put(line, d);
        if (text.substring(0, m.start()).isBlank()) {
          byLine.putIfAbsent(line + 1, d);
        }
      }
    }
  }

  Optional<String> reason(LintFinding f) {
    for (int line = f.line(); line <= f.file().line(Math.max(f.start(), f.end() - 1)); line++) {
      Directive d = byLine.get(line);
      if (d != null && matches(d.rules(), f.rule())) {
        return Optional.of(d.reason());
      }
    }
    return Optional.empty();
  }

  static boolean matches(String rules, RuleMeta rule) {
    for (String r : rules.split(",")) {
      if (r.equalsIgnoreCase("all") || r.equalsIgnoreCase(rule.id()) || r.equalsIgnoreCase(rule.name())) {
        return true;
      }
    }
    return false;
  }
}
