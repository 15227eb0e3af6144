package dev.breakwater.lint;

import dev.breakwater.compose.Service;
import dev.breakwater.hostconf.HostConfigFinding;
import java.util.List;

/**
 * A rule about a host configuration file in the repository (daemon.json, default/ufw, fail2ban's
 * jails, sysctl.conf and sysctl.d): it reports the {@code hostconf} findings of its {@link #findingId()}, so lint and the
 * audit say the same. It has nothing to say about a declared container.
 */
interface HostConfigRule extends LintRule {
  /** The {@link HostConfigFinding#id()} this rule reports. */
  String findingId();

  @Override
  default List<LintFinding> check(Service service) {
    return List.of();
  }
}
