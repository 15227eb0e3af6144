package dev.breakwater.host;

import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddress;
import java.util.Optional;

/**
 * A route from the main table ({@code ip -j route}).
 *
 * @param destination a prefix; the default route is {@code 0.0.0.0/0} or {@code ::/0}
 * @param type {@code unicast}, {@code local}, {@code blackhole}, {@code unreachable}, ...
 */
public record Route(
    IpFamily family, IPAddress destination, Optional<IPAddress> gateway, String device, String type) {

  public boolean isDefault() {
    return destination.getNetworkPrefixLength() != null && destination.getNetworkPrefixLength() == 0;
  }
}
