package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import dev.breakwater.hostconf.UfwDefaultChecks;

@RuleInfo(
    id = "BW016",
    name = "UfwForwardAccept",
    summary = "An /etc/default/ufw sets DEFAULT_FORWARD_POLICY=\"ACCEPT\": every routed path is open.",
    severity = Severity.MEDIUM,
    exampleFile = "default/ufw",
    why = """
        UFW writes `DEFAULT_FORWARD_POLICY` as the policy of the FORWARD chain. With `ACCEPT`,
        every packet the host routes that no rule drops is accepted: to every published port and,
        by routing to it, to every container address, whatever `ufw status` says about incoming
        traffic. It is the usual advice when UFW's routed deny blocks Podman's or Docker-nftables'
        containers, and it was the setting on the host whose MySQL was ransomed.""",
    fix = """
        Set `DEFAULT_FORWARD_POLICY="DROP"` and allow what is forwarded on purpose:
        `ufw route allow in on docker0 out on eth0` for containers' outbound traffic and
        `ufw route allow proto tcp to CONTAINER_IP port PORT` for each port meant to be public;
        then `ufw reload`.""",
    bad = """
        DEFAULT_INPUT_POLICY="DROP"
        DEFAULT_FORWARD_POLICY="ACCEPT"
        """,
    good = """
        DEFAULT_INPUT_POLICY="DROP"
        DEFAULT_FORWARD_POLICY="DROP"
        """)
final class UfwForwardAccept implements HostConfigRule {
  @Override
  public String findingId() {
    return UfwDefaultChecks.FORWARD_ACCEPT;
  }
}
