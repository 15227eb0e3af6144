package dev.breakwater.plan;

import dev.breakwater.host.HostFacts;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.IpFamily;
import dev.breakwater.reach.PortExposure;
import dev.breakwater.reach.Reachability;
import java.util.List;
import java.util.Optional;

/** The core reach engine ({@link Reachability}) as the proof's oracle. */
public final class ReachEngineOracle implements ReachOracle {

  @Override
  public List<ObservedReach> observe(HostFacts facts) {
    return Reachability.of(facts).exposures().stream().map(ReachEngineOracle::observed).toList();
  }

  private static List<String> uncertainty(PortExposure exposure) {
    List<String> why = new java.util.ArrayList<>();
    exposure.uncertainBecause().forEach(rule -> why.add(rule.citation() + " " + rule.text().strip()));
    why.addAll(exposure.notes());
    return why;
  }

  static ObservedReach observed(PortExposure exposure) {
    PublishedPort port = exposure.port();
    String name = exposure.container().name();
    return new ObservedReach(
        name.startsWith("/") ? name.substring(1) : name,
        port.hostIp().isIPv4() ? IpFamily.V4 : IpFamily.V6,
        port.boundToAll() ? Optional.empty() : Optional.of(port.hostIp().withoutPrefixLength()),
        port.hostPort(),
        port.protocol(),
        exposure.reachableFrom(),
        exposure.possiblyReachableFrom(),
        uncertainty(exposure));
  }
}
