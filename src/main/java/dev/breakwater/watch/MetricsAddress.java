package dev.breakwater.watch;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.Optional;

/**
 * Where the metrics endpoint listens: {@code 127.0.0.1:9105}, {@code [::1]:9105}, or
 * {@code :9105} for every address. Only address literals: a name would need a DNS lookup at
 * start-up, and a typo would expose metrics somewhere unexpected.
 */
public record MetricsAddress(Optional<IPAddress> address, int port) {

  /** @throws IllegalArgumentException saying what was expected */
  public static MetricsAddress parse(String text) {
    String value = text.trim();
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected ADDRESS:PORT (127.0.0.1:9105, [::1]:9105 or :9105), got '" + text + "'");
    }
    String host = value.substring(0, colon);
    String portText = value.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("expected a port 1-65535 after the last ':', got '" + portText + "' in '" + text + "'");
    }
    if (host.isEmpty()) {
      return new MetricsAddress(Optional.empty(), port);
    }
    boolean bracketed = host.startsWith("[") && host.endsWith("]");
    String literal = bracketed ? host.substring(1, host.length() - 1) : host;
    IPAddress address = new IPAddressString(literal).getAddress();
    if (address == null || address.isPrefixed() || (address.isIPv6() && !bracketed)) {
      throw new IllegalArgumentException("expected an IPv4 address or an IPv6 address in brackets before the port "
          + "(127.0.0.1:9105, [::1]:9105), got '" + host + "'");
    }
    return new MetricsAddress(Optional.of(address), port);
  }

  /** The address to bind, as the HTTP server takes it. */
  public String hostname() {
    return address.map(IPAddress::toCanonicalString).orElse("0.0.0.0");
  }

  @Override
  public String toString() {
    return address.map(a -> a.isIPv6() ? "[" + a.toCanonicalString() + "]" : a.toCanonicalString()).orElse("") + ":" + port;
  }
}
