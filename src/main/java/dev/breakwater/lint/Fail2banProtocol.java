package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import dev.breakwater.hostconf.Fail2banChecks;

@RuleInfo(
    id = "BW018",
    name = "Fail2banProtocol",
    summary = "An enabled fail2ban jail's protocol keeps its ban from a port a container in the repository publishes.",
    severity = Severity.HIGH,
    exampleFile = "jail.local",
    besideCompose = """
        services:
          web:
            image: nginx:1.27
            ports:
              - "8443:443"
        """,
    why = """
        fail2ban's iptables actions write their rule as `-p <protocol> -m multiport --dports
        <port>`, and jail.conf's default is `protocol = tcp`. A jail with `protocol = udp` (copied
        from a DNS jail, say) never matches a TCP connection: the port it names is not protected,
        whatever chain it bans in (medium). `protocol = all` with an action that matches ports
        (`iptables-multiport`, `iptables`) is worse: iptables refuses `-p all -m multiport`
        ("multiport needs -p tcp, -p udp, ..."), the action fails to start and the jail bans
        nobody at all (high). Lint judges the jails against the ports the repository's compose
        files and scripts publish, with their protocol.""",
    fix = """
        Set `protocol =` the published port's protocol (`tcp` for a web or database port; one
        jail per protocol with the iptables actions, which take one), or use `banaction =
        iptables-allports` with `protocol = all` to ban an address on every protocol. For a
        published container port also set `chain = DOCKER-USER` (see BW017).""",
    bad = """
        [nginx-http-auth]
        enabled  = true
        port     = 8443
        protocol = udp
        chain    = DOCKER-USER
        """,
    good = """
        [nginx-http-auth]
        enabled  = true
        port     = 8443
        protocol = tcp
        chain    = DOCKER-USER
        """)
final class Fail2banProtocol implements HostConfigRule {
  @Override
  public String findingId() {
    return Fail2banChecks.PROTOCOL;
  }
}
