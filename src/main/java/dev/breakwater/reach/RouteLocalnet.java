package dev.breakwater.reach;

import dev.breakwater.hostconf.SysctlValues;
import java.util.Map;
import java.util.Optional;

/**
 * {@code net.ipv4.conf.*.route_localnet} as the snapshot's sysctl.txt sets it: whether a device
 * takes and sends packets of 127.0.0.0/8. The kernel reads it as {@code conf.all} OR the device's
 * own (IN_DEV_ROUTE_LOCALNET, IN_DEV_ORCONF in include/linux/inetdevice.h).
 *
 * <ul>
 *   <li>In: ip_route_input_slow (net/ipv4/route.c) calls a packet for 127.0.0.0/8 (after
 *       PREROUTING's DNAT) arriving on a device without it a martian; with it, the packet is
 *       routed, and 127.0.0.0/8 is local: delivered to the host's sockets.
 *   <li>Out: __mkroute_output refuses a route with a loopback source out of a device without it,
 *       so the answer to that packet (SYN-ACK, RST, ICMP) leaves only by a device that has it.
 * </ul>
 *
 * Without the sysctl in the snapshot every device is taken to have 0, the kernel's default.
 *
 * @param all {@code net.ipv4.conf.all.route_localnet}
 * @param perInterface {@code net.ipv4.conf.DEV.route_localnet} by device name
 */
record RouteLocalnet(int all, Map<String, Integer> perInterface) {
  static final RouteLocalnet OFF = new RouteLocalnet(0, Map.of());

  RouteLocalnet {
    perInterface = Map.copyOf(perInterface);
  }

  static RouteLocalnet of(Optional<SysctlValues> sysctl) {
    if (sysctl.isEmpty()) {
      return OFF;
    }
    Map<String, Integer> values = DeviceSysctl.values(sysctl.get(), "net.ipv4.conf", "route_localnet");
    Integer all = values.remove("all");
    return new RouteLocalnet(all == null ? 0 : all, values);
  }

  boolean on(String device) {
    return all != 0 || perInterface.getOrDefault(device, 0) != 0;
  }

  /** {@code net.ipv4.conf.{all,eth0}.route_localnet = 1}: the setting that decided for {@code device}. */
  String setting(String device) {
    return "net.ipv4.conf.{all," + device.replace('.', '/') + "}.route_localnet = " + (on(device) ? 1 : 0);
  }
}
