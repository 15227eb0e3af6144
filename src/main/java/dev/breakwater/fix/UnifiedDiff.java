package dev.breakwater.fix;

import dev.breakwater.compose.SourceFile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A unified diff ({@code diff -u}, 3 lines of context) of a file and a set of local edits. Built
 * from the edits themselves rather than by comparing whole files, so it costs nothing on big
 * files and shows exactly the lines the fixer touched.
 */
final class UnifiedDiff {
  private static final int CONTEXT = 3;

  private UnifiedDiff() {}

  /** One run of changed lines: old lines [from, to] (1-based) become {@code replacement}. */
  private record Block(int from, int to, List<String> replacement) {}

  static String of(SourceFile file, List<Edit> edits) {
    if (edits.isEmpty()) {
      return "";
    }
    List<Edit> sorted = new ArrayList<>(edits);
    sorted.sort(Comparator.comparingInt(Edit::start));
    List<Block> blocks = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      Edit first = sorted.get(i);
      if (isLineInsertion(file, first)) {
        int at = file.line(first.start());
        blocks.add(new Block(at, at - 1, lines(first.text())));
        i++;
        continue;
      }
      int from = file.line(first.start());
      int to = lastLine(file, first);
      int j = i + 1;
      while (j < sorted.size() && !isLineInsertion(file, sorted.get(j)) && file.line(sorted.get(j).start()) <= to) {
        to = Math.max(to, lastLine(file, sorted.get(j)));
        j++;
      }
      int base = file.lineStart(from);
      int endChar = to < file.lineCount() ? file.lineStart(to + 1) : file.text().length();
      String oldText = file.text().substring(base, endChar);
      List<Edit> local = new ArrayList<>();
      for (Edit e : sorted.subList(i, j)) {
        local.add(new Edit(e.start() - base, e.end() - base, e.text()));
      }
      blocks.add(new Block(from, to, lines(Edit.apply(oldText, local))));
      i = j;
    }
    String name = file.displayPath();
    StringBuilder out = new StringBuilder();
    out.append("--- a/").append(name).append('\n').append("+++ b/").append(name).append('\n');
    int delta = 0;
    int b = 0;
    while (b < blocks.size()) {
      int e = b;
      while (e + 1 < blocks.size() && blocks.get(e + 1).from() - Math.max(blocks.get(e).to(), blocks.get(e).from() - 1) - 1 <= 2 * CONTEXT) {
        e++;
      }
      int hunkFrom = Math.max(1, blocks.get(b).from() - CONTEXT);
      int hunkTo = Math.min(lastLine(file), Math.max(blocks.get(e).to(), blocks.get(e).from() - 1) + CONTEXT);
      StringBuilder body = new StringBuilder();
      int oldCount = 0;
      int newCount = 0;
      int line = hunkFrom;
      for (int k = b; k <= e; k++) {
        Block blk = blocks.get(k);
        for (; line < blk.from(); line++, oldCount++, newCount++) {
          body.append(' ').append(file.lineText(line)).append('\n');
        }
        for (; line <= blk.to(); line++, oldCount++) {
          body.append('-').append(file.lineText(line)).append('\n');
        }
        for (String r : blk.replacement()) {
          body.append('+').append(r).append('\n');
          newCount++;
        }
      }
      for (; line <= hunkTo; line++, oldCount++, newCount++) {
        body.append(' ').append(file.lineText(line)).append('\n');
      }
      out.append("@@ -").append(hunkFrom).append(',').append(oldCount).append(" +")
          .append(hunkFrom + delta).append(',').append(newCount).append(" @@\n").append(body);
      delta += newCount - oldCount;
      b = e + 1;
    }
    return out.toString();
  }

  /**
   * Whole new lines inserted before a line, or after the last one when the file ends with a
   * newline: shown as additions only.
   */
  private static boolean isLineInsertion(SourceFile file, Edit e) {
    return e.start() == e.end() && e.text().endsWith("\n") && e.start() <= file.text().length()
        && file.lineStart(file.line(e.start())) == e.start();
  }

  private static int lastLine(SourceFile file, Edit e) {
    return file.line(Math.max(e.start(), e.end() - 1));
  }

  /** The last line that has content (a final newline does not start a line). */
  private static int lastLine(SourceFile file) {
    int n = file.lineCount();
    return n > 1 && file.lineStart(n) == file.text().length() ? n - 1 : n;
  }

  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String l : text.split("\n", -1)) {
      out.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
    }
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty() && text.endsWith("\n")) {
      out.remove(out.size() - 1);
    }
    return out;
  }
}
