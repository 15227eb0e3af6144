package dev.breakwater.net;

/**
 * An inclusive range of TCP/UDP/SCTP ports, {@code first <= last}, both in 0..65535.
 *
 * <p>{@code PortRange.parse("8000:8010")} and {@code PortRange.parse("8000-8010")} both give
 * 8000..8010; {@code PortRange.parse("443")} gives 443..443.
 */
public record PortRange(int first, int last) implements Comparable<PortRange> {
  public static final PortRange ALL = new PortRange(0, 65535);

  public PortRange {
    if (first < 0 || last > 65535 || first > last) {
      throw new IllegalArgumentException("not a port range: " + first + "-" + last);
    }
  }

  public static PortRange of(int port) {
    return new PortRange(port, port);
  }

  /** Parses {@code N}, {@code N:M} (iptables) or {@code N-M} (Docker, Compose). */
  public static PortRange parse(String text) {
    String t = text.trim();
    int sep = t.indexOf(':') >= 0 ? t.indexOf(':') : t.indexOf('-');
    try {
      if (sep < 0) {
        return of(Integer.parseInt(t));
      }
      // iptables accepts an open end: ":1024" is 0..1024 and "1024:" is 1024..65535.
      String a = t.substring(0, sep);
      String b = t.substring(sep + 1);
      return new PortRange(a.isEmpty() ? 0 : Integer.parseInt(a), b.isEmpty() ? 65535 : Integer.parseInt(b));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a port or port range: '" + text + "'");
    }
  }

  public boolean contains(int port) {
    return port >= first && port <= last;
  }

  public boolean isSingle() {
    return first == last;
  }

  public int size() {
    return last - first + 1;
  }

  @Override
  public int compareTo(PortRange o) {
    return first != o.first ? Integer.compare(first, o.first) : Integer.compare(last, o.last);
  }

  @Override
  public String toString() {
    return isSingle() ? Integer.toString(first) : first + "-" + last;
  }
}
