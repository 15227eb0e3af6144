package dev.breakwater.host;

import dev.breakwater.hostconf.DaemonJsonKeys;
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

  /**
   * What the keys read by daemon.json's one reader say; a key absent (or null) takes Docker's
   * default.
   *
   * @throws dev.breakwater.problem.BadInput at the value of a key of a type dockerd refuses
   */
  public static DaemonConfig of(DaemonJsonKeys keys) {
    return new DaemonConfig(
        keys.key("ip").flatMap(DaemonJsonKeys.Key::address).map(a -> a.withoutPrefixLength().toCanonicalString()),
        keys.key("iptables").flatMap(DaemonJsonKeys.Key::bool).orElse(DEFAULTS.iptables()),
        keys.key("ip6tables").flatMap(DaemonJsonKeys.Key::bool),
        keys.key("userland-proxy").flatMap(DaemonJsonKeys.Key::bool).orElse(DEFAULTS.userlandProxy()));
  }
}
