package dev.breakwater.reach;

import dev.breakwater.hostconf.JailConfig;
import dev.breakwater.hostconf.SysctlValues;
import java.util.HashMap;
import java.util.Map;

/**
 * A per-device sysctl of sysctl.txt ({@code PREFIX.DEV.SUFFIX}) as the kernel keeps it: an int
 * per device. {@code default} is left out: it only seeds devices created later, and sysctl.txt
 * lists every device that exists. {@code all} is a device name here; each caller says what it
 * means for its sysctl.
 */
final class DeviceSysctl {
  private DeviceSysctl() {}

  /** Every device's value, {@code all} included, {@code default} not. */
  static Map<String, Integer> values(SysctlValues sysctl, String prefix, String suffix) {
    Map<String, Integer> out = new HashMap<>();
    sysctl.interfaceValues(prefix, suffix).forEach((dev, setting) -> out.put(dev, value(setting)));
    out.remove("default");
    return out;
  }

  /**
   * {@code max(all, device)} of {@link #values}: what the kernel reads for a sysctl it takes as
   * "all OR the device's own" (IN_DEV_ORCONF: src_valid_mark, accept_local, rp_filter's max).
   */
  static int effective(Map<String, Integer> values, String device) {
    return Math.max(values.getOrDefault("all", 0), values.getOrDefault(device, 0));
  }

  /**
   * A sysctl's value as an int, 0 when unreadable. For rp_filter anything above 2 acts as loose
   * (only 1 is strict); forwarding and route_localnet are on when non-zero.
   */
  static int value(JailConfig.Setting setting) {
    try {
      return Integer.parseInt(setting.value().strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
