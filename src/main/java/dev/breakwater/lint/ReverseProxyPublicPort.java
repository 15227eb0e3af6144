package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import dev.breakwater.compose.HostBinding;
import dev.breakwater.compose.PortEntry;
import dev.breakwater.compose.Publications;
import dev.breakwater.compose.Service;
import java.util.Optional;

@RuleInfo(
    id = "BW010",
    name = "ReverseProxyPublicPort",
    summary = "A reverse proxy (nginx, Traefik, Caddy, HAProxy, Envoy ...) publishes 80/443 without a host address: public, as a proxy's ports usually are.",
    severity = Severity.INFO,
    fixOnRequest = true,
    why = """
        A reverse proxy's HTTP and HTTPS ports (80, 443, 8443, and 443/udp for HTTP/3) are the
        ones a site is meant to serve the internet on; binding them to loopback takes the site
        offline. They still bypass UFW like every publication (Docker's DNAT goes to FORWARD,
        UFW filters INPUT), so `ufw deny 80` does not close them: this note says so, and nothing
        more. Recognised by image: nginx, nginx-unprivileged, openresty, angie, traefik, caddy,
        haproxy, envoy (envoyproxy/envoy), nginx-proxy (nginxproxy/nginx-proxy), nginx-proxy-manager
        (jc21/nginx-proxy-manager), swag, in any registry or org and with any tag.""",
    fix = """
        Nothing, when the site is public. Write `0.0.0.0:443:443` to say so (the note goes away).
        `breakwater fix` leaves these ports alone; `breakwater fix --all`, or `fix: all` in
        `.breakwater-lint.yaml`, binds them like any other port (for a proxy that only serves a
        VPN or the host itself).""",
    bad = """
        services:
          proxy:
            image: traefik:v3
            ports:
              - "80:80"
              - "443:443"
        """,
    good = """
        services:
          proxy:
            image: traefik:v3
            ports:
              - "0.0.0.0:80:80"
              - "0.0.0.0:443:443"
        """)
final class ReverseProxyPublicPort implements PublishedPortRule {
  @Override
  public Optional<LintFinding> check(Service service, PortEntry port) {
    if (Publications.effectiveBinding(service, port) != HostBinding.UNBOUND
        || !Publications.reverseProxyPublicPort(service, port)) {
      return Optional.empty();
    }
    return Optional.of(LintFinding.ofPort(this, Severity.INFO, "port " + Publications.describe(port) + " of '"
        + service.name() + "' is a reverse proxy's public port, published on every address (past UFW); "
        + "write \"0.0.0.0:" + port.mapping().toShortSyntax().replaceFirst("^:", "") + "\" if that is meant",
        service, port, true));
  }
}
