package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import dev.breakwater.hostconf.DaemonJsonChecks;

@RuleInfo(
    id = "BW015",
    name = "DockerIptablesDisabled",
    summary = "A daemon.json sets \"iptables\": false: the UFW bypass is closed, but container networking is broken.",
    severity = Severity.MEDIUM,
    exampleFile = "daemon.json",
    why = """
        With `"iptables": false` Docker writes no NAT or FORWARD rules. What it closes: published
        ports are served by docker-proxy, a socket on the host, so they go through INPUT and
        UFW's rules apply to them. What it breaks: containers' outbound traffic gets no
        MASQUERADE (it leaves with 172.x sources and no reply comes back), published ports lose
        their DNAT (containers see docker-proxy's address, not the client's), networks are no
        longer isolated from each other, and with forwarding on and FORWARD accepting, a
        neighbour that routes to a container's address reaches every port of it.""",
    fix = """
        Remove `"iptables": false` and filter where Docker's traffic passes: in `DOCKER-USER`
        (`breakwater plan` writes the rules), or bind published ports to 127.0.0.1 by default
        with `"ip": "127.0.0.1"`.""",
    bad = """
        {
          "iptables": false
        }
        """,
    good = """
        {
          "ip": "127.0.0.1"
        }
        """)
final class DockerIptablesDisabled implements HostConfigRule {
  @Override
  public String findingId() {
    return DaemonJsonChecks.IPTABLES_OFF;
  }
}
