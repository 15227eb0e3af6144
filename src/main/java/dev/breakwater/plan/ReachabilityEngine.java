package dev.breakwater.plan;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.reach.PortReach;
import dev.breakwater.reach.Reachability;
import java.util.List;

/** The core reach engine ({@link Reachability}) as the proof's oracle. */
public final class ReachabilityEngine implements ReachEngine {

  @Override
  public List<PortReach> observe(HostFacts facts) {
    return Reachability.of(facts).exposures();
  }

  /** Only {@code family}'s ports are analysed. */
  @Override
  public List<PortReach> observe(HostFacts facts, IpFamily family) {
    return Reachability.of(facts).exposures(family);
  }
}
