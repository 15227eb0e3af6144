package dev.breakwater.host;

import inet.ipaddr.IPAddress;
import java.util.List;

/**
 * A network interface of the host, as {@code ip -j addr} shows it.
 *
 * @param kind the link kind from {@code linkinfo.info_kind} ({@code bridge}, {@code veth}, ...),
 *     or {@code link_type} ({@code loopback}, {@code ether}) when there is none
 * @param addresses addresses with their prefix length ({@code 192.168.1.10/24})
 * @param master the bridge this interface is enslaved to, empty when none
 */
public record NetworkInterface(
    String name, String kind, boolean up, List<IPAddress> addresses, String master) {

  public NetworkInterface {
    addresses = List.copyOf(addresses);
  }

  public boolean isLoopback() {
    return kind.equals("loopback") || name.equals("lo");
  }
}
