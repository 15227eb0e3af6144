package dev.breakwater.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.breakwater.catalog.Severity;
import java.util.List;

/**
 * The audit of a fleet: the exposures many hosts share, and every host, worst first (hosts whose
 * snapshot is bad input first of all: nothing can be said of them). Field names are the JSON
 * contract of {@code breakwater audit --from FLEET --format json}.
 *
 * @param hostCount every snapshot given
 * @param audited how many of them were audited
 * @param badInput how many were bad input
 * @param worst the worst finding on any audited host ({@code info} when none)
 * @param shared the published ports many hosts share, worst first ({@code service} is the image)
 * @param sharedListeners the host sockets (ss -Htulnp) with a finding, grouped the same way
 *     ({@code service} is the process: "2375/tcp of dockerd reachable from anywhere on 1 of 12 hosts")
 */
public record FleetReport(int hostCount, int audited, int badInput, Severity worst, List<SharedExposure> shared,
    List<SharedExposure> sharedListeners, List<FleetHost> hosts) {

  public FleetReport {
    shared = List.copyOf(shared);
    sharedListeners = List.copyOf(sharedListeners);
    hosts = List.copyOf(hosts);
  }

  /**
   * True when some audited host has a finding at or above {@code threshold}, or some snapshot is
   * bad input: a host that could not be audited cannot be called clean.
   */
  public boolean failsAt(Severity threshold) {
    return badInput > 0 || hosts.stream().flatMap(h -> h.audit().stream()).anyMatch(r -> r.failsAt(threshold));
  }

  /** No snapshot could be read: the run as a whole is bad input. */
  @JsonIgnore
  public boolean allBadInput() {
    return audited == 0 && badInput > 0;
  }
}
