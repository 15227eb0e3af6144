package dev.breakwater.reach;

import dev.breakwater.hostconf.SysctlValues;
import java.util.Map;
import java.util.Optional;

/**
 * IPv4 reverse-path filtering as the snapshot's sysctl.txt sets it. The kernel's effective value
 * for a packet arriving on a device is {@code max(conf.all.rp_filter, conf.DEV.rp_filter)}
 * (IN_DEV_RPFILTER, include/linux/inetdevice.h). At the routing decision, for a packet to be
 * delivered locally or forwarded alike, fib_validate_source (net/ipv4/fib_frontend.c) looks up
 * the route back to the source: with 1 (strict) the packet is dropped unless that route goes out
 * the arrival device; with 2 (loose) only when there is no route back at all. IPv6 has no such
 * sysctl (ip6tables' rpfilter match does it, as a rule): not here.
 *
 * @param all {@code net.ipv4.conf.all.rp_filter}, 0 when not in the snapshot
 * @param perInterface {@code net.ipv4.conf.DEV.rp_filter} by device name
 * @param known whether the snapshot had the sysctl at all; without it nothing is checked (today's
 *     answers, which can only be wider than the kernel's)
 */
record ReversePathFilter(int all, Map<String, Integer> perInterface, boolean known) {
  static final int STRICT = 1;
  static final int LOOSE = 2;

  static final ReversePathFilter UNKNOWN = new ReversePathFilter(0, Map.of(), false);

  ReversePathFilter {
    perInterface = Map.copyOf(perInterface);
  }

  static ReversePathFilter of(Optional<SysctlValues> sysctl) {
    if (sysctl.isEmpty()) {
      return UNKNOWN;
    }
    Map<String, Integer> values = DeviceSysctl.values(sysctl.get(), "net.ipv4.conf", "rp_filter");
    if (values.isEmpty()) {
      return UNKNOWN;
    }
    Integer all = values.remove("all");
    return new ReversePathFilter(all == null ? 0 : all, values, true);
  }

  /** The effective mode on {@code device}: 0 off, 1 strict, 2 loose. */
  int mode(String device) {
    if (!known || device.equals("lo")) {
      // Loopback packets carry no route back to check (ip_route_input_slow skips lo's validation).
      return 0;
    }
    int effective = effective(device);
    return effective == 0 ? 0 : effective == STRICT ? STRICT : LOOSE;
  }

  /** {@code max(all, device)}: the value the kernel reads, before it is read as a mode. */
  int effective(String device) {
    return Math.max(all, perInterface.getOrDefault(device, 0));
  }

  /**
   * Why the packet from a source whose route back leaves by {@code back} (empty: no route) is
   * dropped on {@code device}, or empty when it passes.
   */
  Optional<String> drops(String device, Optional<String> back, String source) {
    int mode = mode(device);
    if (mode == 0) {
      return Optional.empty();
    }
    String setting = "net.ipv4.conf.{all," + device + "}.rp_filter = " + effective(device);
    if (back.isEmpty()) {
      return Optional.of("reverse-path filter (" + setting + "): no route back to " + source);
    }
    if (mode == STRICT && !back.get().equals(device)) {
      return Optional.of("reverse-path filter (" + setting + ", strict): the route back to " + source + " leaves by "
          + back.get() + ", not " + device);
    }
    return Optional.empty();
  }
}
