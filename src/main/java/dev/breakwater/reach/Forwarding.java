package dev.breakwater.reach;

import dev.breakwater.hostconf.SysctlValues;
import dev.breakwater.net.IpFamily;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the kernel forwards a packet that arrived on a device, as the snapshot's sysctl.txt
 * sets it.
 *
 * <p>IPv4: ip_route_input_slow (net/ipv4/route.c) refuses to forward unless IN_DEV_FORWARD(in_dev),
 * the arrival device's own {@code net.ipv4.conf.DEV.forwarding} (include/linux/inetdevice.h); the
 * packet gets an RTN_UNREACHABLE route and ip_error drops it (silently, as forwarding is off).
 * {@code net.ipv4.ip_forward} and {@code conf.all.forwarding} are one value, and writing it
 * copies it to every device (devinet_sysctl_forward, inet_forward_change in net/ipv4/devinet.c),
 * so it is the device's own value that decides (kernel oracle: ip_forward = 1 with
 * {@code conf.eth0.forwarding = 0} drops on eth0). A device sysctl.txt does not list is taken to
 * forward: today's answers, which can only be wider.
 *
 * <p>IPv6: ip6_forward (net/ipv6/ip6_output.c) drops unless {@code net.ipv6.conf.all.forwarding}
 * or, since Linux 6.17, the arrival device's {@code force_forwarding}; a device's own
 * {@code conf.DEV.forwarding} does not decide. A device without {@code force_forwarding} in
 * sysctl.txt has none only when the snapshot's {@code kernel.osrelease} is older than 6.17; on a
 * newer or unknown kernel (a snapshot taken with an older pattern, which did not ask for
 * {@code force_forwarding} or the release) the device is taken to forward: wider, never narrower,
 * than the kernel. Without {@code conf.all.forwarding} in sysctl.txt IPv6 is taken to forward.
 *
 * @param v4 {@code net.ipv4.conf.DEV.forwarding} by device (not {@code all}, {@code default})
 * @param v6All {@code net.ipv6.conf.all.forwarding}, empty when not in the snapshot
 * @param v6Force {@code net.ipv6.conf.DEV.force_forwarding} by device
 * @param noForceForwarding whether the kernel has no {@code force_forwarding} at all (its release,
 *     from sysctl.txt, is older than 6.17)
 */
record Forwarding(Map<String, Integer> v4, Optional<Integer> v6All, Map<String, Integer> v6Force,
    boolean noForceForwarding) {
  static final Forwarding UNKNOWN = new Forwarding(Map.of(), Optional.empty(), Map.of(), false);
  private static final Pattern RELEASE = Pattern.compile("(\\d+)\\.(\\d+).*");

  Forwarding {
    v4 = Map.copyOf(v4);
    v6Force = Map.copyOf(v6Force);
  }

  static Forwarding of(Optional<SysctlValues> sysctl) {
    if (sysctl.isEmpty()) {
      return UNKNOWN;
    }
    return new Forwarding(devices(sysctl.get(), "net.ipv4.conf", "forwarding"),
        sysctl.get().get("net.ipv6.conf.all.forwarding").map(DeviceSysctl::value),
        devices(sysctl.get(), "net.ipv6.conf", "force_forwarding"),
        sysctl.get().get("kernel.osrelease").map(r -> before617(r.value())).orElse(false));
  }

  /** Whether a kernel release ({@code uname -r}, e.g. 6.1.0-28-amd64) is older than 6.17. */
  static boolean before617(String release) {
    Matcher m = RELEASE.matcher(release.strip());
    if (!m.matches()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major < 6 || major == 6 && minor < 17;
  }

  private static Map<String, Integer> devices(SysctlValues sysctl, String prefix, String suffix) {
    Map<String, Integer> out = DeviceSysctl.values(sysctl, prefix, suffix);
    out.remove("all");
    return out;
  }

  /** Why a packet of {@code family} that arrived on {@code device} is not forwarded, or empty when it is. */
  Optional<String> refuses(IpFamily family, String device) {
    if (device.equals("lo")) {
      // The host's own packets are routed on output (ip_route_output_key), where forwarding is not asked.
      return Optional.empty();
    }
    if (family == IpFamily.V4) {
      Integer own = v4.get(device);
      return own == null || own != 0 ? Optional.empty()
          : Optional.of("net.ipv4.conf." + device.replace('.', '/') + ".forwarding = 0: " + device
              + " does not forward (IN_DEV_FORWARD, ip_route_input_slow)");
    }
    Integer force = v6Force.get(device);
    if (v6All.isEmpty() || v6All.get() != 0 || force == null && !noForceForwarding || force != null && force != 0) {
      return Optional.empty();
    }
    return Optional.of("net.ipv6.conf.all.forwarding = 0 (and " + device + " has no force_forwarding):"
        + " the host does not forward IPv6 (ip6_forward)");
  }
}
