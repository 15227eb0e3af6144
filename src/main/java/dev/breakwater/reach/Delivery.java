package dev.breakwater.reach;

import inet.ipaddr.IPAddress;
import java.util.Optional;

/** Where an accepted packet ends up. */
public sealed interface Delivery {

  String describe();

  /** Delivered to a socket of the host itself (docker-proxy, or a host service). */
  record HostSocket(IPAddress address, int port) implements Delivery {
    @Override
    public String describe() {
      return "host socket " + endpoint(address, port);
    }
  }

  /**
   * Forwarded out of {@code outInterface}; {@code container} names the container that has the
   * address, when one does.
   */
  record Forwarded(IPAddress address, int port, String outInterface, Optional<String> container) implements Delivery {
    @Override
    public String describe() {
      return container.map(c -> "container " + c + " at ").orElse("forwarded to ") + endpoint(address, port)
          + " via " + outInterface;
    }
  }

  static String endpoint(IPAddress address, int port) {
    return address.isIPv6() ? "[" + address + "]:" + port : address + ":" + port;
  }
}
