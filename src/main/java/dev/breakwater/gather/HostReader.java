package dev.breakwater.gather;

import dev.breakwater.host.HostFacts;

/**
 * Reads what the policy compiles against, now: the running containers, the routes (for the
 * external interfaces) and the filter rulesets with the BREAKWATER chain as it is.
 */
@FunctionalInterface
public interface HostReader {
  HostFacts read();

  /**
   * Only the containers, now; everything else as in {@code previous} (a full read). A Docker
   * event changes containers, not rules: this keeps iptables-save off the latency path of a
   * container start. By default, a full read.
   */
  default HostFacts readContainers(HostFacts previous) {
    return read();
  }

  /**
   * Everything the reach engine needs to prove a change: every table, the addresses and the
   * routes besides the containers. Watch reads this once per check when its corrections are
   * proved, and compiles and proves from the same read. By default, {@link #read}.
   */
  default HostFacts readWhole() {
    return read();
  }
}
