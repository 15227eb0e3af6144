package dev.breakwater.lint;

import dev.breakwater.compose.HostBinding;
import dev.breakwater.compose.PortEntry;
import dev.breakwater.compose.Publications;
import dev.breakwater.compose.Service;

import dev.breakwater.catalog.Severity;
import java.util.Optional;

@RuleInfo(
    id = "BW001",
    name = "PublishedOnAllInterfaces",
    summary = "A port is published without a host address: every IPv4 and IPv6 address, past UFW.",
    severity = Severity.HIGH,
    why = """
        `ports: ["8080:80"]` and `docker run -p 8080:80` publish on 0.0.0.0 **and** [::]. Docker
        implements the publication with a DNAT rule in `nat/PREROUTING` and an ACCEPT rule in
        `filter/FORWARD`; UFW filters `INPUT`, so `ufw deny 8080` and `default deny incoming`
        never see this traffic. The port answers the whole internet while `ufw status` says deny.""",
    fix = """
        Bind the publication to the address that should reach it: `127.0.0.1:8080:80` for local
        clients and a reverse proxy on the host, the docker0 address (`172.17.0.1:8080:80`) for
        other containers, a VPN or LAN address for a private network. In long syntax add
        `host_ip: 127.0.0.1`. `breakwater fix --write` does this edit for you. If the port must
        be public, write `0.0.0.0:8080:80` to say so, or suppress with
        `# breakwater:ignore BW001 reason`. A reverse proxy's 80/443 is BW010's, not this rule's.""",
    bad = """
        services:
          app:
            image: ghcr.io/acme/app:1
            ports:
              - "8080:8080"
        """,
    good = """
        services:
          app:
            image: ghcr.io/acme/app:1
            ports:
              - "127.0.0.1:8080:8080"
        """)
final class PublishedOnAllInterfaces implements PublishedPortRule {
  @Override
  public Optional<LintFinding> check(Service service, PortEntry port) {
    // Data stores, a proxy's public ports and UDP reflectors have rules of their own.
    if (Publications.effectiveBinding(service, port) != HostBinding.UNBOUND
        || Publications.dataStore(service, port).isPresent()
        || Publications.reverseProxyPublicPort(service, port)
        || Publications.udpAmplifier(port).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(LintFinding.ofPort(this, Severity.HIGH, "port " + Publications.describe(port)
        + " of '" + service.name() + "' is published on every address (0.0.0.0 and [::]), which UFW "
        + "does not filter; bind it, e.g. \"" + Publications.boundExample(port) + "\"",
        service, port, true));
  }
}
