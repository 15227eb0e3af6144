package dev.breakwater.host;

import java.util.Optional;

/**
 * firewalld on the host: whether it runs ({@code firewall-cmd --state}) and the two settings of
 * {@code /etc/firewalld/firewalld.conf} that decide whether it filters what Docker publishes.
 *
 * @param backend {@code FirewallBackend}: {@code nftables} (firewalld's default) or
 *     {@code iptables}; empty when firewalld.conf is absent or does not set it
 * @param strictForwardPorts {@code StrictForwardPorts} (firewalld 2.3+, default no): when yes,
 *     firewalld rejects forwarded traffic that something else (Docker, Podman) DNAT'd
 */
public record FirewalldSetup(Running running, Optional<String> backend, boolean strictForwardPorts) {

  public static final FirewalldSetup UNKNOWN = new FirewalldSetup(Running.UNKNOWN, Optional.empty(), false);

  /** What {@code firewall-cmd --state} said; unknown without its output. */
  public enum Running { YES, NO, UNKNOWN }
}
