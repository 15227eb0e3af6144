package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import dev.breakwater.hostconf.SysctlChecks;

@RuleInfo(
    id = "BW019",
    name = "RouteLocalnetEnabled",
    summary = "A sysctl file sets net.ipv4.conf.IFACE.route_localnet = 1: ports published on 127.0.0.1 are reachable from that interface.",
    severity = Severity.HIGH,
    exampleFile = "sysctl.d/60-net.conf",
    besideCompose = """
        services:
          cache:
            image: redis:7
            ports:
              - "127.0.0.1:6379:6379"
        """,
    why = """
        The kernel drops packets to 127.0.0.0/8 that arrive on a real interface as martians,
        unless `route_localnet` is 1 there (the kernel reads `all` OR the device's own value, so
        `all` or a `*` glob opens every interface). With it, Docker's DNAT for a port published on
        127.0.0.1 matches a neighbour's packet sent to 127.0.0.1 on that interface, and the
        connection is forwarded to the container past UFW: "bound to loopback" no longer means
        local. High when the repository publishes a port on 127.0.0.1, medium otherwise (host
        services bound to loopback answer such packets wherever INPUT lets them in), low on
        Docker's own bridges (Docker sets it there when `"userland-proxy"` is false). The files
        of a `sysctl.d` directory and the `sysctl.conf` beside it are read in the order they are
        applied, so a later `= 0` undoes an earlier `= 1`. Lint does not report `ip_forward = 0`
        (the audit says it as a note: published ports then answer nobody).""",
    fix = """
        Set it to 0 (or remove the line) and run `sysctl --system`; if something needs loopback
        addresses routed, publish that port on the address it is meant for instead. On Docker's
        bridges, `"userland-proxy": true` makes Docker no longer need it.""",
    bad = """
        net.ipv4.ip_forward = 1
        net.ipv4.conf.eth0.route_localnet = 1
        """,
    good = """
        net.ipv4.ip_forward = 1
        net.ipv4.conf.eth0.route_localnet = 0
        """)
final class RouteLocalnetEnabled implements HostConfigRule {
  @Override
  public String findingId() {
    return SysctlChecks.ROUTE_LOCALNET;
  }
}
