package dev.breakwater.probe;

import inet.ipaddr.ipv6.IPv6Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** One address and TCP port to probe. */
public record Endpoint(InetAddress address, int port) {
  public Endpoint {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("not a TCP port to probe: " + port);
    }
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(address, port);
  }

  /** {@code 198.51.100.7:6379} or {@code [2001:db8::7]:6379}. */
  @Override
  public String toString() {
    String host = hostText(address);
    return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
  }

  /** The address as people write it: IPv6 compressed ({@code ::1}, not {@code 0:0:0:0:0:0:0:1}). */
  public static String hostText(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      return new IPv6Address(v6).toCompressedString();
    }
    return address.getHostAddress();
  }
}
