package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import dev.breakwater.hostconf.Fail2banChecks;

@RuleInfo(
    id = "BW017",
    name = "Fail2banBansInInput",
    summary = "An enabled fail2ban jail bans in INPUT while its port is one a container in the repository publishes.",
    severity = Severity.HIGH,
    exampleFile = "jail.local",
    besideCompose = """
        services:
          web:
            image: nginx:1.27
            ports:
              - "80:80"
              - "443:443"
        """,
    why = """
        fail2ban's iptables actions insert their ban in `chain = INPUT` by default (nftables, ufw
        and firewalld actions ban at the input hook too). A connection to a published container
        port is DNATed and goes through FORWARD, never INPUT: the banned address keeps reaching
        the container, and fail2ban's log says it was banned. Lint judges the jail files of the
        repository (merged as fail2ban merges `jail.conf`, `jail.d/*.conf`, `jail.local`,
        `jail.d/*.local`) against the ports its compose files and scripts publish.""",
    fix = """
        In the jail set `banaction = iptables-multiport` and `chain = DOCKER-USER` (or
        `BREAKWATER`, Breakwater's chain), with `port =` the container's port: in DOCKER-USER the
        packet already carries it after DNAT. Keep a second jail in INPUT for services that run on
        the host itself.""",
    bad = """
        [nginx-http-auth]
        enabled = true
        port    = http,https
        logpath = /var/log/nginx/error.log
        """,
    good = """
        [nginx-http-auth]
        enabled = true
        port    = http,https
        chain   = DOCKER-USER
        logpath = /var/log/nginx/error.log
        """)
final class Fail2banBansInInput implements HostConfigRule {
  @Override
  public String findingId() {
    return Fail2banChecks.INPUT_CHAIN;
  }
}
