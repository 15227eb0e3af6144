package dev.breakwater.net;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.Optional;

/**
 * The networks that are not the internet: RFC 1918 (10/8, 172.16/12, 192.168/16), RFC 6598
 * shared address space (100.64/10: carrier NAT and tailnets such as Tailscale's) and RFC 4193
 * unique local IPv6 (fd00::/8, the half of fc00::/7 in use). An address in one of them is
 * reachable from that network, not from everywhere.
 */
public final class PrivateNetworks {
  private static final List<IPAddress> NETWORKS = List.of(
      block("10.0.0.0/8"), block("172.16.0.0/12"), block("192.168.0.0/16"),
      block("100.64.0.0/10"), block("fd00::/8"));

  private PrivateNetworks() {}

  private static IPAddress block(String cidr) {
    return new IPAddressString(cidr).getAddress().toPrefixBlock();
  }

  /** The private network that holds {@code address} (written as a person would), e.g. {@code 10.0.0.0/8}. */
  public static Optional<String> enclosing(String address) {
    String t = address.strip();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    IPAddress ip = new IPAddressString(t).getAddress();
    if (ip == null) {
      return Optional.empty();
    }
    for (IPAddress net : NETWORKS) {
      if (net.getIPVersion() == ip.getIPVersion() && net.contains(ip)) {
        return Optional.of(net.toCanonicalString());
      }
    }
    return Optional.empty();
  }
}
