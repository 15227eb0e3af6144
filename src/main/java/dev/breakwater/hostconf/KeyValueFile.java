package dev.breakwater.hostconf;

import dev.breakwater.problem.BadInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration file of {@code KEY=value} lines, {@code #} comments and blank lines, as
 * {@code /etc/default/ufw} and {@code /etc/firewalld/firewalld.conf} are. Values may be quoted
 * ({@code "ACCEPT"}, {@code 'no'}); the quotes are dropped, as ufw and firewalld both do, and a
 * {@code #} after white space ends the value, as when ufw's scripts source the file. At most
 * {@link #MAX_LINES} lines are read: both files are a few dozen.
 */
public final class KeyValueFile {
  static final int MAX_LINES = 10_000;
  private static final Pattern ENTRY = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)");
  private static final Pattern INLINE_COMMENT = Pattern.compile("\\s#");

  /**
   * One setting and where it is: the key's place (what a finding cites) and the value's (what an
   * error about the value names).
   */
  public record Entry(String key, String value, ConfigPlace keyAt, ConfigPlace valueAt) {}

  private final String source;
  private final List<Entry> entries;

  private KeyValueFile(String source, List<Entry> entries) {
    this.source = source;
    this.entries = List.copyOf(entries);
  }

  /** {@link #parse(String, String, String, String)} for a file findings cite by the name it was read under. */
  public static KeyValueFile parse(String text, String source, String copyOf) {
    return parse(text, source, source, copyOf);
  }

  /**
   * @param source the file that was read, named in errors
   * @param citedAs the file the places of the entries name (the host's file a snapshot copies)
   * @param copyOf the file this one copies, named in the message for a line of another shape
   * @throws BadInput at the first line that is neither a setting, a comment nor blank, or past {@link #MAX_LINES}
   */
  public static KeyValueFile parse(String text, String source, String citedAs, String copyOf) {
    List<Entry> entries = new ArrayList<>();
    List<String> lines = text.lines().limit(MAX_LINES + 1).toList();
    if (lines.size() > MAX_LINES) {
      throw new BadInput(source + ":" + (MAX_LINES + 1) + ":1: expected at most " + MAX_LINES + " lines (a copy of "
          + copyOf + " is a few dozen)");
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      int keyColumn = line.indexOf(stripped) + 1;
      Matcher m = ENTRY.matcher(stripped);
      if (!m.matches()) {
        throw new BadInput(source + ":" + (i + 1) + ":" + keyColumn + ": expected KEY=value, a # comment or a blank"
            + " line (a copy of " + copyOf + "), found '" + BadInput.excerpt(stripped) + "'");
      }
      int valueColumn = keyColumn + m.start(2);
      entries.add(new Entry(m.group(1), unquoted(withoutComment(m.group(2).strip())),
          new ConfigPlace(citedAs, i + 1, keyColumn), new ConfigPlace(source, i + 1, valueColumn)));
    }
    return new KeyValueFile(source, entries);
  }

  /** The last setting of {@code key}: a later line wins, as it does when a shell sources the file. */
  public Optional<Entry> last(String key) {
    Optional<Entry> found = Optional.empty();
    for (Entry entry : entries) {
      if (entry.key().equals(key)) {
        found = Optional.of(entry);
      }
    }
    return found;
  }

  /** An error at the value of {@code at}: {@code file:line:col: expected ..., found 'value'}. */
  public BadInput problem(Entry at, String expected) {
    return new BadInput(at.valueAt() + ": " + expected + ", found '" + BadInput.excerpt(at.value()) + "'");
  }

  /** {@code "ACCEPT"  # why} is {@code "ACCEPT"}; a {@code #} inside quotes or a word is kept. */
  private static String withoutComment(String value) {
    char first = value.isEmpty() ? 0 : value.charAt(0);
    int from = 0;
    if (first == '"' || first == '\'') {
      int close = value.indexOf(first, 1);
      from = close < 0 ? value.length() : close;
    }
    Matcher m = INLINE_COMMENT.matcher(value);
    return m.find(from) ? value.substring(0, m.start()).strip() : value;
  }

  private static String unquoted(String value) {
    if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
        && value.charAt(value.length() - 1) == value.charAt(0)) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
