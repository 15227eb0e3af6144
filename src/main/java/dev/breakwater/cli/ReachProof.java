package dev.breakwater.cli;

import dev.breakwater.plan.ReachabilityEngine;
import dev.breakwater.plan.ReachEngine;
import java.util.Optional;

/** The reach engine the plan's proof runs. */
final class ReachProof {
  private ReachProof() {}

  static Optional<ReachEngine> engine() {
    return Optional.of(new ReachabilityEngine());
  }
}
