package dev.breakwater.hostconf;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The sysctls that change who reaches a port: {@code route_localnet} (loopback destinations
 * accepted from a real interface) and IPv4 forwarding (without it nothing is routed to a
 * container). The reachability engine follows both (reach.RouteLocalnet, reach.Forwarding, checked
 * against the kernel by its oracle); these findings say so where the setting is risky or surprising.
 */
public final class SysctlChecks {
  public static final String ROUTE_LOCALNET = "sysctl-route-localnet";
  public static final String FORWARDING_OFF = "sysctl-ip-forward-off";
  private static final String CONF = "net.ipv4.conf";

  private SysctlChecks() {}

  /**
   * @param loopbackPublished ports published on 127.0.0.1 that no raw PREROUTING drop keeps from
   *     a neighbour (said, since route_localnet does not change them: Docker's DNAT comes first)
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
            "net.ipv4.ip_forward = 0: the kernel forwards nothing that arrives on an interface whose own"
                + " net.ipv4.conf.IFACE.forwarding is 0 (ip_forward sets them all when written), so a published port's"
                + " DNAT leads nowhere there and it does not answer other hosts over IPv4 (dockerd turns forwarding on"
                + " when it starts, unless \"ip-forward\": false or \"iptables\": false); the audit's answers follow each"
                + " interface's value in sysctl.txt (forwarding is taken to be on where it is not listed)",
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
    // ip_route_input_slow takes 127.0.0.0/8 from the device; __mkroute_output lets the answer
    // from a loopback source out only by a device with route_localnet too (kernel oracle).
    String reach = "services of the host bound to 127.0.0.1 answer " + which + "'s neighbours that send to 127.0.0.1,"
        + " wherever INPUT lets them in and the answer leaves by an interface with route_localnet, and a DNAT to"
        + " 127.0.0.1 is delivered (kube-proxy sets it for its localhost NodePorts, CVE-2020-8558); Breakwater's"
        + " answers for those sockets follow it"
        + (loopbackPublished.isEmpty() ? ""
            : ". Ports published on 127.0.0.1 (" + ports + ") are reachable from neighbours with or without it: Docker's"
                + " DNAT rewrites the destination before routing (moby#45610; their exposure says so)");
    String why = dockerBridge
        ? " (Docker sets it on its bridges when \"userland-proxy\" is false, so that containers reach ports"
            + " published on 127.0.0.1)"
        : "";
    // Medium: it opens the host's loopback-only services to a link's neighbours. Not high for
    // loopback publishes: it does not change them (the kernel oracle connects with it 0).
    Severity severity = dockerBridge ? Severity.LOW : Severity.MEDIUM;
    return new HostConfigFinding(ROUTE_LOCALNET, severity, setting.place(),
        key + " = 1 accepts packets for 127.0.0.0/8 from " + which + why + ": " + reach,
        (glob ? "write 0 on this line (a glob sets every interface it matches) and run 'sysctl --system'"
            : "sysctl -w " + key + "=0, and remove it from /etc/sysctl.conf and /etc/sysctl.d/")
            + (dockerBridge ? " (or set \"userland-proxy\": true in daemon.json, which Docker then no longer needs)" : ""));
  }
}
