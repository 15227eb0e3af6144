package dev.breakwater.host;

import dev.breakwater.netfilter.NftTable;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.Target;
import dev.breakwater.ufw.UfwStatus;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Everything the analysis knows about one host: the immutable input of {@code reach} and
 * {@code audit}, read from a snapshot directory or gathered live.
 *
 * @param ipv6 empty when the host has no ip6tables dump (ip6tables missing, or not captured)
 * @param notes facts that limit the analysis, said to the user (nft tables iptables does not
 *     show, a daemon with ip6tables disabled, ...)
 * @param setup how the firewall is put together (Docker's firewall backend, ...)
 * @param listeners the host's listening sockets ({@code ss -Htulnp}); empty when not captured
 * @param routingRules the policy-routing rules of both families ({@code ip -j rule show}); empty
 *     when not captured, which the engine reads as the kernel's default rules (local, main,
 *     default)
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
    Optional<List<HostListener>> listeners,
    List<RoutingRule> routingRules) {

  public HostFacts {
    routingRules = List.copyOf(routingRules);
    interfaces = List.copyOf(interfaces);
    routes = List.copyOf(routes);
    containers = List.copyOf(containers);
    notes = List.copyOf(notes);
    listeners = listeners.map(List::copyOf);
  }

  /** Facts without policy-routing rules: the kernel's default ones. */
  public HostFacts(String hostname, List<NetworkInterface> interfaces, List<Route> routes, List<Container> containers,
      Ruleset ipv4, Optional<Ruleset> ipv6, Optional<UfwStatus> ufw, Optional<DaemonConfig> daemon,
      List<String> notes, HostSetup setup, Optional<List<HostListener>> listeners) {
    this(hostname, interfaces, routes, containers, ipv4, ipv6, ufw, daemon, notes, setup, listeners, List.of());
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

  /**
   * Docker writes its rules with nftables: the daemon says so ({@code docker info}'s
   * FirewallBackend), or nft's ruleset has Docker's {@code docker-bridges} table (a daemon older
   * than API 1.49 says nothing; moby {@code nftabler.go}: {@code dockerTable = "docker-bridges"}).
   */
  public boolean dockerUsesNftables() {
    return setup.dockerUsesNftables()
        || Stream.concat(Stream.of(ipv4), ipv6.stream())
            .map(Ruleset::nftTables).flatMap(List::stream).map(NftTable::name).anyMatch("docker-bridges"::equals);
  }

  /** iptables' filter table (IPv4) has a DOCKER-USER chain: the iptables backend's place to filter. */
  public boolean hasDockerUserChain() {
    return ipv4.chain(TableName.FILTER, "DOCKER-USER").isPresent();
  }

  /**
   * FORWARD (IPv4) jumps to DOCKER-USER, so its rules filter. On an nftables-backend host that is
   * what a move from the iptables backend leaves behind: moby's cleaner ({@code iptabler/cleaner.go})
   * keeps DOCKER-USER and {@code -A FORWARD -j DOCKER-USER}, and they filter until a reboot.
   */
  public boolean forwardJumpsToDockerUser() {
    return ipv4.chain(TableName.FILTER, "FORWARD").stream().flatMap(c -> c.rules().stream())
        .anyMatch(r -> switch (r.target()) {
          case Target.Jump(String chain) -> chain.equals("DOCKER-USER");
          case Target.Goto(String chain) -> chain.equals("DOCKER-USER");
          default -> false;
        });
  }
}
