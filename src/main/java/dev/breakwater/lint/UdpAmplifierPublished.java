package dev.breakwater.lint;

import dev.breakwater.catalog.Severity;
import dev.breakwater.compose.HostBinding;
import dev.breakwater.compose.PortEntry;
import dev.breakwater.compose.Publications;
import dev.breakwater.compose.Service;
import java.util.Optional;

@RuleInfo(
    id = "BW011",
    name = "UdpAmplifierPublished",
    summary = "A UDP service used for reflection attacks (DNS, NTP, memcached, SSDP, SNMP, CLDAP ...) is published on every address.",
    severity = Severity.HIGH,
    why = """
        A UDP server answers whoever the source address says sent the request, and UDP source
        addresses are forged for free. DNS, NTP, memcached, SSDP, SNMP, CLDAP, CharGEN, QOTD,
        WS-Discovery and others answer a small request with a much larger reply, so an open one
        is a reflector that multiplies an attacker's traffic towards a victim (US-CERT alert
        [TA14-017A, UDP-Based Amplification Attacks](https://www.cisa.gov/news-events/alerts/2014/01/17/udp-based-amplification-attacks):
        DNS up to 54x, NTP up to 556x, CharGEN 358x, SSDP 30x; memcached up to 51,000x,
        CVE-2018-1000115). Flagged whether the address is missing or written on purpose
        (`0.0.0.0:53:53/udp`): explicit does not make a reflector safe. The service is known by
        its container port over UDP: 17, 19, 53, 69, 111, 123, 137, 161, 389, 520, 1900, 3283,
        3702, 5353, 5683, 10001, 11211, 27015, 27960.""",
    fix = """
        Bind the port to the network that uses it (`127.0.0.1:53:53/udp` for the host,
        `10.8.0.1:53:53/udp` for a VPN), or, for a public DNS server, rate-limit responses
        (BIND's `rate-limit`, Unbound's `ip-ratelimit`) and refuse recursion for outsiders.
        `breakwater fix --write` binds the unbound ones.""",
    bad = """
        services:
          dns:
            image: pihole/pihole:2024.07.0
            ports:
              - "0.0.0.0:53:53/udp"
        """,
    good = """
        services:
          dns:
            image: pihole/pihole:2024.07.0
            ports:
              - "10.8.0.1:53:53/udp"
        """)
final class UdpAmplifierPublished implements PublishedPortRule {
  @Override
  public Optional<LintFinding> check(Service service, PortEntry port) {
    Optional<String> amplifier = Publications.udpAmplifier(port);
    HostBinding binding = Publications.effectiveBinding(service, port);
    if (amplifier.isEmpty() || !binding.reachableFromEverywhere()) {
      return Optional.empty();
    }
    String where = binding == HostBinding.UNBOUND ? "without a host address, on every address"
        : "on every address (" + Publications.effectiveAddress(service, port).orElse("") + ")";
    return Optional.of(LintFinding.ofPort(this, Severity.HIGH, amplifier.get() + " port " + Publications.describe(port)
        + " of '" + service.name() + "' is published " + where + ": anyone can use it to reflect and "
        + "amplify a flood at a forged source; bind it to the network that uses it", service, port,
        binding == HostBinding.UNBOUND));
  }
}
