package dev.breakwater.host;

import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.ufw.UfwStatus;
import java.util.List;
import java.util.Optional;

/**
 * Everything the analysis knows about one host: the immutable input of {@code reach} and
 * {@code audit}, read from a snapshot directory or gathered live.
 *
 * @param ipv6 empty when the host has no ip6tables dump (ip6tables missing, or not captured)
 * @param notes facts that limit the analysis, said to the user (nft tables iptables does not
 *     show, a daemon with ip6tables disabled, ...)
 * @param setup how the firewall is put together (Docker's firewall backend, ...)
 * @param listeners the host's listening sockets ({@code ss -Htulnp}); empty when not captured
 */
public record HostFacts(
    String hostname,
    List<NetworkInterface> interfaces,
    List<Route> routes,
    List<Container> containers,
    Ruleset ipv4,
    Optional<Ruleset> ipv6,
    Optional<UfwStatus> ufw,
    Optional<DaemonConfig> daemon,
    List<String> notes,
    HostSetup setup,
    Optional<List<HostListener>> listeners) {

  public HostFacts {
    interfaces = List.copyOf(interfaces);
    routes = List.copyOf(routes);
    containers = List.copyOf(containers);
    notes = List.copyOf(notes);
    listeners = listeners.map(List::copyOf);
  }

  /** Facts without the host's listening sockets: they were not captured. */
  public HostFacts(String hostname, List<NetworkInterface> interfaces, List<Route> routes, List<Container> containers,
      Ruleset ipv4, Optional<Ruleset> ipv6, Optional<UfwStatus> ufw, Optional<DaemonConfig> daemon,
      List<String> notes, HostSetup setup) {
    this(hostname, interfaces, routes, containers, ipv4, ipv6, ufw, daemon, notes, setup, Optional.empty());
  }

  /** Facts without {@link HostSetup}: what Docker's backend is, is not known. */
  public HostFacts(String hostname, List<NetworkInterface> interfaces, List<Route> routes, List<Container> containers,
      Ruleset ipv4, Optional<Ruleset> ipv6, Optional<UfwStatus> ufw, Optional<DaemonConfig> daemon,
      List<String> notes) {
    this(hostname, interfaces, routes, containers, ipv4, ipv6, ufw, daemon, notes, HostSetup.UNKNOWN);
  }
}
