package dev.breakwater.host;

import java.util.Optional;

/**
 * The parts of {@code /etc/docker/daemon.json} that change exposure.
 *
 * @param defaultBindIp {@code "ip"}: the address used when a port is published without one
 * @param iptables {@code "iptables"} (default true)
 * @param ip6tables {@code "ip6tables"} (default true since Docker 27, false before)
 * @param userlandProxy {@code "userland-proxy"} (default true)
 */
public record DaemonConfig(
    Optional<String> defaultBindIp, boolean iptables, Optional<Boolean> ip6tables, boolean userlandProxy) {

  public static final DaemonConfig DEFAULTS = new DaemonConfig(Optional.empty(), true, Optional.empty(), true);
}
