package dev.breakwater.watch;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where the metrics endpoint listens: {@code 127.0.0.1:9105}, {@code [::1]:9105}, {@code :9105}
 * for every address of both families, or a bare {@code 9105} for 127.0.0.1 (the safe default when
 * no address is given). Only address literals: a name would need a DNS lookup at
 * start-up, and a typo would expose metrics somewhere unexpected.
 */
public record MetricsAddress(Optional<IPAddress> address, int port) {

  /** @throws IllegalArgumentException saying what was expected */
  public static MetricsAddress parse(String text) {
    String value = text.trim();
    int colon = value.lastIndexOf(':');
    if (colon < 0 && !value.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("expected ADDRESS:PORT (127.0.0.1:9105, [::1]:9105, :9105) or PORT, got '" + text + "'");
    }
    String host = colon < 0 ? "127.0.0.1" : value.substring(0, colon);
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

  /** The address to bind, as text. */
  public String hostname() {
    return address.map(IPAddress::toCanonicalString).orElse("::");
  }

  /**
   * The address to bind: for every address, the IPv6 wildcard, which on Linux also takes IPv4
   * connections (as v4-mapped addresses, ipv6(7), unless net.ipv6.bindv6only is set); on a host
   * without IPv6 the JDK binds IPv4 only.
   */
  InetAddress bindAddress() throws UnknownHostException {
    return address.isPresent() ? address.get().toInetAddress() : InetAddress.getByName("::");
  }

  @Override
  public String toString() {
    return address.map(a -> a.isIPv6() ? "[" + a.toCanonicalString() + "]" : a.toCanonicalString()).orElse("") + ":" + port;
  }
}
