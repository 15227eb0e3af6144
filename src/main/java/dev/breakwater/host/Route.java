package dev.breakwater.host;

import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddress;
import java.util.Optional;

/**
 * A route of one routing table ({@code ip -j route show table all}).
 *
 * @param destination a prefix; the default route is {@code 0.0.0.0/0} or {@code ::/0}
 * @param type {@code unicast}, {@code local}, {@code blackhole}, {@code unreachable}, {@code throw}, ...
 * @param table the table as {@code ip} names it: {@code main} (which {@code ip} leaves out),
 *     {@code local}, {@code default}, {@code 52}, or a name from {@code /etc/iproute2/rt_tables}
 */
public record Route(
    IpFamily family, IPAddress destination, Optional<IPAddress> gateway, String device, String type, String table) {

  public static final String MAIN = "main";

  /** A route of the main table. */
  public Route(IpFamily family, IPAddress destination, Optional<IPAddress> gateway, String device, String type) {
    this(family, destination, gateway, device, type, MAIN);
  }

  public boolean inMain() {
    return table.equals(MAIN);
  }

  public boolean isDefault() {
    return destination.getNetworkPrefixLength() != null && destination.getNetworkPrefixLength() == 0;
  }
}
