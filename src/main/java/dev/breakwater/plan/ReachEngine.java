package dev.breakwater.plan;

import dev.breakwater.host.HostFacts;
import dev.breakwater.reach.PortReach;
import java.util.List;

/** The reach engine as the proof sees it: who reaches every published port of a host. */
@FunctionalInterface
public interface ReachEngine {
  List<PortReach> observe(HostFacts facts);
}
