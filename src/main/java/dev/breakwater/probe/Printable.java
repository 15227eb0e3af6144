package dev.breakwater.probe;

/** Shows an untrusted server's bytes in a report without control characters or endless text. */
final class Printable {
  private static final int MAX = 80;

  private Printable() {}

  /** The text with control characters as dots, cut at 80 characters. */
  static String plain(String text) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length() && b.length() < MAX; i++) {
      char c = text.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '.');
    }
    if (text.length() > MAX) {
      b.append("...");
    }
    return b.toString();
  }

  /** {@link #plain} in quotes, or {@code no data} for nothing at all. */
  static String excerpt(String text) {
    return text.isEmpty() ? "no data" : "'" + plain(text) + "'";
  }
}
