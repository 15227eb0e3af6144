package dev.breakwater.host;

import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.Optional;

/**
 * One listening TCP or unconnected UDP socket of the host, one line of {@code ss -Htulnp}.
 *
 * @param address the bound address as ss prints it: {@code 0.0.0.0}, {@code ::}, a host address,
 *     or {@code ::ffff:a.b.c.d} for an IPv6 socket bound to an IPv4-mapped address
 * @param dualStack ss's {@code *}: an IPv6 socket on {@code ::} without {@code IPV6_V6ONLY}, which
 *     takes IPv4 connections too ({@code address} is then {@code ::})
 * @param device the {@code %iface} after the address: the socket is bound to that device
 *     ({@code SO_BINDTODEVICE}) and takes only packets that arrive on it
 * @param processes who holds the socket (several after a fork); empty when ss could not see them
 *     (not run as root)
 */
public record HostListener(
    Transport protocol, IPAddress address, boolean dualStack, Optional<String> device, int port,
    List<ListenerProcess> processes) {

  private static final IPAddress ANY_V4 = new IPAddressString("0.0.0.0").getAddress();

  public HostListener {
    address = address.withoutPrefixLength();
    processes = List.copyOf(processes);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535");
    }
    if (dualStack && !(address.isIPv6() && address.isAnyLocal())) {
      throw new IllegalArgumentException("a dual-stack socket is bound to ::");
    }
  }

  /** One process that holds the socket: {@code ("sshd",pid=812,fd=3)}. */
  public record ListenerProcess(String name, int pid) {}

  /** The first holder's name, or the empty string when ss showed none. */
  public String processName() {
    return processes.isEmpty() ? "" : processes.get(0).name();
  }

  /**
   * The addresses a connection can be made to, one per family: {@code *} is {@code 0.0.0.0} and
   * {@code ::}; an IPv4-mapped IPv6 address takes IPv4 connections only (ipv6(7): such a socket
   * is reached by IPv4 packets to the embedded address).
   */
  public List<IPAddress> destinations() {
    if (dualStack) {
      return List.of(ANY_V4, address);
    }
    if (address.isIPv6() && address.toIPv6().isIPv4Mapped()) {
      return List.of(address.toIPv6().getEmbeddedIPv4Address());
    }
    return List.of(address);
  }

  /** Whether only the host itself can connect: bound to a loopback address or to device lo. */
  public boolean loopbackOnly() {
    return device.map("lo"::equals).orElse(false)
        || destinations().stream().allMatch(IPAddress::isLoopback);
  }

  /** The address as ss prints it: IPv4-mapped IPv6 in its mixed form ({@code ::ffff:198.51.100.10}). */
  public String addressText() {
    return address.isIPv6() && address.toIPv6().isIPv4Mapped() ? address.toIPv6().toMixedString() : address.toCanonicalString();
  }

  /** {@code 0.0.0.0:3306/tcp}, {@code [::1]:6379/tcp}, {@code *:22/tcp}, {@code 127.0.0.53%lo:53/udp}. */
  public String endpoint() {
    String ip = dualStack ? "*" : address.isIPv6() ? "[" + addressText() + "]" : address.toCanonicalString();
    return ip + device.map(d -> "%" + d).orElse("") + ":" + port + "/" + protocol.label();
  }
}
