package dev.breakwater.compose;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The text of one input file and the arithmetic between offsets, lines and columns.
 *
 * <p>Offsets are Java {@code char} indexes. SnakeYAML Engine's marks count code points, so {@link
 * #charIndex(int)} converts them: a file with an emoji before a port entry would otherwise be
 * edited one character off.
 */
public final class SourceFile {
  private final Path path;
  private final String text;
  private final int[] lineStarts;
  /** Code point index -> char index, only when the text holds surrogate pairs. */
  private final int[] codePointToChar;
  private String displayPath;

  public SourceFile(Path path, String text) {
    this.path = path;
    this.text = text;
    int[] starts = new int[16];
    int n = 0;
    starts[n++] = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        if (n == starts.length) {
          starts = Arrays.copyOf(starts, n * 2);
        }
        starts[n++] = i + 1;
      }
    }
    this.lineStarts = Arrays.copyOf(starts, n);
    this.codePointToChar = hasSurrogates(text) ? codePointMap(text) : null;
  }

  public Path path() {
    return path;
  }

  public String text() {
    return text;
  }

  /** The path as written in reports: relative when under the working directory. */
  public String displayPath() {
    if (displayPath == null) {
      displayPath = DisplayPath.display(path);
    }
    return displayPath;
  }

  public int charIndex(int codePointIndex) {
    if (codePointToChar == null) {
      return Math.min(codePointIndex, text.length());
    }
    return codePointToChar[Math.min(codePointIndex, codePointToChar.length - 1)];
  }

  /** 1-based line of a char offset. */
  public int line(int offset) {
    int i = Arrays.binarySearch(lineStarts, offset);
    return (i >= 0 ? i : -i - 2) + 1;
  }

  /** 1-based column (in code points, as editors and SARIF count by default) of a char offset. */
  public int column(int offset) {
    int start = lineStarts[line(offset) - 1];
    return text.codePointCount(start, Math.min(offset, text.length())) + 1;
  }

  public int lineCount() {
    return lineStarts.length;
  }

  public int lineStart(int line) {
    return lineStarts[line - 1];
  }

  /** The text of a 1-based line without its line break. */
  public String lineText(int line) {
    int start = lineStarts[line - 1];
    int end = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
    if (end > start && text.charAt(end - 1) == '\r') {
      end--;
    }
    return text.substring(start, Math.max(start, end));
  }

  private static boolean hasSurrogates(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static int[] codePointMap(String s) {
    int[] map = new int[s.codePointCount(0, s.length()) + 1];
    int cp = 0;
    for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
      map[cp++] = i;
    }
    map[cp] = s.length();
    return map;
  }
}
