package dev.breakwater.host;

import dev.breakwater.hostconf.HostConfig;
import dev.breakwater.hostconf.UfwDefaults;
import java.util.Optional;

/**
 * How the host's firewall is put together, beside its rules: which backend Docker writes with,
 * UFW's default policies, whether firewalld runs and how.
 *
 * @param dockerFirewallDriver {@code docker info}'s {@code FirewallBackend.Driver} (API 1.49+):
 *     {@code iptables}, {@code nftables}, {@code iptables+firewalld} or {@code nftables+firewalld};
 *     empty when the snapshot has no docker-info.json or the daemon is older
 * @param ufwDefaults what {@code /etc/default/ufw} sets; empty when the snapshot has no ufw-default
 * @param firewalld firewalld's state and configuration ({@link FirewalldSetup#UNKNOWN} without
 *     firewalld.conf and firewall-cmd-state.txt)
 * @param hostConfig daemon.json's keys with their lines, fail2ban's jails, the sysctls, as far as
 *     the snapshot holds them ({@link HostConfig#NONE} without any)
 */
public record HostSetup(Optional<String> dockerFirewallDriver, Optional<UfwDefaults> ufwDefaults, FirewalldSetup firewalld,
    HostConfig hostConfig) {

  public static final HostSetup UNKNOWN = new HostSetup(Optional.empty(), Optional.empty(), FirewalldSetup.UNKNOWN);

  /** Without the host's configuration files. */
  public HostSetup(Optional<String> dockerFirewallDriver, Optional<UfwDefaults> ufwDefaults, FirewalldSetup firewalld) {
    this(dockerFirewallDriver, ufwDefaults, firewalld, HostConfig.NONE);
  }

  /** Only Docker's backend known. */
  public HostSetup(Optional<String> dockerFirewallDriver) {
    this(dockerFirewallDriver, Optional.empty(), FirewalldSetup.UNKNOWN);
  }

  /** Whether the daemon says it writes its rules with nftables (Docker 28.2+ with the env var, 29+ by option). */
  public boolean dockerUsesNftables() {
    return dockerFirewallDriver.map(driver -> driver.startsWith("nftables")).orElse(false);
  }

  /** Whether the daemon says it found firewalld running when it started ({@code …+firewalld}). */
  public boolean dockerSawFirewalld() {
    return dockerFirewallDriver.map(driver -> driver.endsWith("+firewalld")).orElse(false);
  }
}
