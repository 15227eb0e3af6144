package dev.breakwater.lint;

import java.util.List;

/**
 * Findings as a compiler prints diagnostics: {@code file:line:col: severity RULE: message}, then
 * the source line and a caret under the column.
 */
public final class TextFindings {
  private TextFindings() {}

  public static String render(List<LintFinding> findings) {
    StringBuilder out = new StringBuilder();
    for (LintFinding f : findings) {
      if (f.suppressed()) {
        continue;
      }
      out.append(f.file().displayPath()).append(':').append(f.line()).append(':').append(f.column())
          .append(": ").append(f.severity().label()).append(' ').append(f.rule().id()).append(": ")
          .append(f.message()).append('\n');
      String line = f.file().lineText(f.line());
      out.append("  ").append(line).append('\n');
      StringBuilder caret = new StringBuilder("  ");
      for (int i = 0; i < f.column() - 1 && i < line.length(); i++) {
        caret.append(line.charAt(i) == '\t' ? '\t' : ' ');
      }
      out.append(caret).append("^\n");
    }
    return out.toString();
  }

  public static String summary(List<LintFinding> findings, int files) {
    long shown = findings.stream().filter(f -> !f.suppressed()).count();
    long suppressed = findings.size() - shown;
    return shown + " finding" + (shown == 1 ? "" : "s") + " in " + files + " file" + (files == 1 ? "" : "s")
        + (suppressed > 0 ? " (" + suppressed + " suppressed)" : "");
  }
}
