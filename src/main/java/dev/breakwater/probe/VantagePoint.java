package dev.breakwater.probe;

import dev.breakwater.net.AddressInput;
import inet.ipaddr.IPAddress;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where this probe comes from, as the probed host sees it: one source address per family.
 *
 * <p>Without {@code --as}, the kernel's own choice: connecting a UDP socket picks the route and
 * source address toward the host without sending a packet. Behind NAT (a laptop at home) the
 * host sees another address, which is what {@code --as} states.
 */
public final class VantagePoint {
  private VantagePoint() {}

  /** Parses {@code --as} values: single addresses, at most one per family. */
  public static List<InetAddress> parse(List<String> stated) {
    List<InetAddress> out = new ArrayList<>();
    for (String s : stated) {
      IPAddress a;
      try {
        a = AddressInput.address(s.trim());
      } catch (IllegalArgumentException e) {
        throw new ProbeInputException("--as '" + s + "': expected one IPv4 or IPv6 address, the source the host sees"
            + " (such as 198.51.100.7 or 2001:db8::7)");
      }
      InetAddress inet = a.toInetAddress();
      if (out.stream().anyMatch(o -> o.getClass() == inet.getClass())) {
        throw new ProbeInputException("--as '" + s + "': one address per family (IPv4, IPv6) at most");
      }
      out.add(inet);
    }
    return List.copyOf(out);
  }

  /**
   * The stated addresses, and for each family they leave open that a probed host uses, the
   * source address this machine would use toward the first such host.
   */
  public static List<InetAddress> resolve(List<InetAddress> stated, List<InetAddress> hosts) {
    List<InetAddress> out = new ArrayList<>(stated);
    for (InetAddress host : hosts) {
      if (out.stream().noneMatch(v -> v.getClass() == host.getClass())) {
        sourceToward(host).ifPresent(out::add);
      }
    }
    return List.copyOf(out);
  }

  private static Optional<InetAddress> sourceToward(InetAddress host) {
    try (DatagramChannel udp = DatagramChannel.open()) {
      // Any port will do: connect() on UDP only looks up the route, nothing is sent.
      udp.connect(new InetSocketAddress(host, 9));
      InetAddress local = ((InetSocketAddress) udp.getLocalAddress()).getAddress();
      if (local.isAnyLocalAddress() || (local instanceof Inet6Address) != (host instanceof Inet6Address)) {
        return Optional.empty();
      }
      return Optional.of(local);
    } catch (IOException e) {
      // No route to that family: no vantage point there, so no predictions to compare.
      return Optional.empty();
    }
  }
}
