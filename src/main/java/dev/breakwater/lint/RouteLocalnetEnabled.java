package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import dev.breakwater.hostconf.SysctlChecks;

@RuleInfo(
    id = "BW019",
    name = "RouteLocalnetEnabled",
    summary = "A sysctl file sets net.ipv4.conf.IFACE.route_localnet = 1: services bound to 127.0.0.1 are reachable from that interface.",
    severity = Severity.MEDIUM,
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
        unless `route_localnet` is 1 there (ip_route_input_slow; the kernel reads `all` OR the
        device's own value, so `all` or a `*` glob opens every interface). With it, a neighbour's
        packet sent to 127.0.0.1 is delivered to the host's sockets bound there, wherever INPUT
        lets it in, and the answer leaves by any interface that has it too; a DNAT to 127.0.0.1
        (kube-proxy's localhost NodePorts, CVE-2020-8558) is delivered as well: "bound to
        loopback" no longer means local. Medium; low on Docker's own bridges (Docker sets it
        there when `"userland-proxy"` is false). A port published on 127.0.0.1 is not changed by
        it: Docker's DNAT rewrites the destination before routing, so a neighbour reaches it
        either way unless Docker 28's raw PREROUTING drop is there (moby#45610; the audit's
        exposure says so). The files of a `sysctl.d` directory and the `sysctl.conf` beside it
        are read in the order they are applied, so a later `= 0` undoes an earlier `= 1`. Lint
        does not report `ip_forward = 0` (the audit says it as a note: published ports then
        answer nobody).""",
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
