package dev.breakwater.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration file of {@code KEY=value} lines, {@code #} comments and blank lines, as
 * {@code /etc/default/ufw} and {@code /etc/firewalld/firewalld.conf} are. Values may be quoted
 * ({@code "ACCEPT"}, {@code 'no'}); the quotes are dropped, as ufw and firewalld both do.
 */
final class KeyValueFile {
  private static final Pattern ENTRY = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)");

  /** One setting and where it is, for an error that names {@code file:line}. */
  record Entry(String key, String value, int line, int column) {}

  private final String source;
  private final List<Entry> entries;

  private KeyValueFile(String source, List<Entry> entries) {
    this.source = source;
    this.entries = List.copyOf(entries);
  }

  /**
   * @param copyOf the file this one copies, named in the message for a line of another shape
   * @throws SnapshotFileException at the first line that is neither a setting, a comment nor blank
   */
  static KeyValueFile parse(String text, String source, String copyOf) {
    List<Entry> entries = new ArrayList<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      Matcher m = ENTRY.matcher(stripped);
      if (!m.matches()) {
        throw new SnapshotFileException(source, i + 1, line.indexOf(stripped) + 1,
            "expected KEY=value, a # comment or a blank line (a copy of " + copyOf + "), found '" + abbreviate(stripped) + "'");
      }
      String value = unquoted(m.group(2).strip());
      entries.add(new Entry(m.group(1), value, i + 1, line.indexOf(stripped) + m.start(2) + 1));
    }
    return new KeyValueFile(source, entries);
  }

  /** The last setting of {@code key}: a later line wins, as it does when a shell sources the file. */
  Optional<Entry> last(String key) {
    Optional<Entry> found = Optional.empty();
    for (Entry entry : entries) {
      if (entry.key().equals(key)) {
        found = Optional.of(entry);
      }
    }
    return found;
  }

  SnapshotFileException problem(Entry at, String expected) {
    return new SnapshotFileException(source, at.line(), at.column(), expected + ", found '" + abbreviate(at.value()) + "'");
  }

  private static String unquoted(String value) {
    if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
        && value.charAt(value.length() - 1) == value.charAt(0)) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
