package dev.breakwater.hostconf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host's configuration files that change who reaches its ports, as far as they were
 * captured: {@code daemon.json} with its key positions, fail2ban's jails, the sysctls.
 */
public record HostConfig(Optional<DaemonJsonKeys> daemonJson, Optional<JailConfig> fail2ban, Optional<SysctlValues> sysctl) {

  public static final HostConfig NONE = new HostConfig(Optional.empty(), Optional.empty(), Optional.empty());

  /**
   * Every finding and note of the captured files, in the order daemon.json, fail2ban, sysctls.
   *
   * @param published container ports published beyond loopback
   * @param loopbackPublished container ports published on 127.0.0.1 (or another loopback address)
   */
  public List<HostConfigFinding> findings(List<ContainerPublish> published, List<ContainerPublish> loopbackPublished) {
    List<HostConfigFinding> out = new ArrayList<>();
    daemonJson.ifPresent(d -> out.addAll(DaemonJsonChecks.of(d)));
    fail2ban.ifPresent(j -> out.addAll(Fail2banChecks.of(j, published)));
    sysctl.ifPresent(s -> out.addAll(SysctlChecks.of(s, loopbackPublished, !published.isEmpty())));
    return out;
  }
}
