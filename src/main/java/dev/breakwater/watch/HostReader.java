package dev.breakwater.watch;

import dev.breakwater.host.HostFacts;

/**
 * Reads what the policy compiles against, now: the running containers, the routes (for the
 * external interfaces) and the filter rulesets with the BREAKWATER chain as it is.
 */
@FunctionalInterface
public interface HostReader {
  HostFacts read();
}
