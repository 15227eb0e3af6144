package dev.breakwater.host;

import java.util.Optional;

/**
 * How the host's firewall is put together, beside its rules: which backend Docker writes with.
 *
 * @param dockerFirewallDriver {@code docker info}'s {@code FirewallBackend.Driver} (API 1.49+):
 *     {@code iptables}, {@code nftables}, {@code iptables+firewalld} or {@code nftables+firewalld};
 *     empty when the snapshot has no docker-info.json or the daemon is older
 */
public record HostSetup(Optional<String> dockerFirewallDriver) {

  public static final HostSetup UNKNOWN = new HostSetup(Optional.empty());
}
