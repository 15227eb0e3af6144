package dev.breakwater.hostconf;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The sysctls that change who reaches a port: {@code route_localnet} (loopback destinations
 * accepted from a real interface) and IPv4 forwarding (without it nothing is routed to a
 * container).
 */
public final class SysctlChecks {
  public static final String ROUTE_LOCALNET = "sysctl-route-localnet";
  public static final String FORWARDING_OFF = "sysctl-ip-forward-off";
  private static final String CONF = "net.ipv4.conf";

  private SysctlChecks() {}

  /**
   * @param loopbackPublished ports published on 127.0.0.1 (their host port is what a neighbour sends to)
   * @param anyPublished whether any container port is published beyond loopback
   */
  public static List<HostConfigFinding> of(SysctlValues sysctl, List<ContainerPublish> loopbackPublished,
      boolean anyPublished) {
    List<HostConfigFinding> out = new ArrayList<>();
    // The kernel reads route_localnet as all OR the device's own (IN_DEV_ORCONF in
    // include/linux/inetdevice.h), so all=1 opens every interface.
    Map<String, JailConfig.Setting> localnet = sysctl.interfaceValues(CONF, "route_localnet");
    localnet.forEach((iface, setting) -> {
      if (!setting.value().equals("1") || iface.equals("lo") || iface.equals("default")) {
        return;
      }
      out.add(routeLocalnet(iface, setting, loopbackPublished));
    });
    sysctl.get("net.ipv4.ip_forward").filter(s -> s.value().equals("0") && anyPublished).ifPresent(s -> out.add(
        new HostConfigFinding(FORWARDING_OFF, Severity.INFO, s.place(),
            "net.ipv4.ip_forward = 0: the kernel routes nothing, so a published port's DNAT leads nowhere and it does"
                + " not answer other hosts over IPv4 (dockerd turns forwarding on when it starts, unless \"ip-forward\":"
                + " false or \"iptables\": false); the audit's answers assume forwarding is on",
            "")));
    return out;
  }

  private static HostConfigFinding routeLocalnet(String iface, JailConfig.Setting setting,
      List<ContainerPublish> loopbackPublished) {
    boolean glob = iface.contains("*");
    String which = iface.equals("all") || iface.equals("*") ? "every interface"
        : glob ? "every interface matching " + iface : iface;
    String key = CONF + "." + iface.replace('.', '/') + ".route_localnet";
    boolean dockerBridge = iface.equals("docker0") || iface.startsWith("br-");
    String ports = loopbackPublished.stream().map(ContainerPublish::named).distinct().collect(Collectors.joining(", "));
    String reach = loopbackPublished.isEmpty()
        ? "services bound to 127.0.0.1 answer packets addressed to 127.0.0.1 that arrive on " + which
            + ", wherever INPUT lets them in"
        : "ports published on 127.0.0.1 (" + ports + ") are reachable from " + which + "'s neighbours: Docker's DNAT"
            + " matches -d 127.0.0.1 on any interface and the connection is forwarded past UFW";
    String why = dockerBridge
        ? " (Docker sets it on its bridges when \"userland-proxy\" is false, so that containers reach ports"
            + " published on 127.0.0.1)"
        : "";
    Severity severity = dockerBridge ? Severity.LOW : loopbackPublished.isEmpty() ? Severity.MEDIUM : Severity.HIGH;
    return new HostConfigFinding(ROUTE_LOCALNET, severity, setting.place(),
        key + " = 1 accepts packets for 127.0.0.0/8 from " + which + why + ": " + reach
            + "; Breakwater's engine treats them as martians, so its answers for 127.0.0.1 ports assume 0",
        (glob ? "write 0 on this line (a glob sets every interface it matches) and run 'sysctl --system'"
            : "sysctl -w " + key + "=0, and remove it from /etc/sysctl.conf and /etc/sysctl.d/")
            + (dockerBridge ? " (or set \"userland-proxy\": true in daemon.json, which Docker then no longer needs)" : ""));
  }
}
