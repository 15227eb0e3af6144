package dev.breakwater.cli;

import dev.breakwater.plan.ReachEngineOracle;
import dev.breakwater.plan.ReachOracle;
import java.util.Optional;

/** The reach engine the plan's proof runs. */
final class ReachProof {
  private ReachProof() {}

  static Optional<ReachOracle> engine() {
    return Optional.of(new ReachEngineOracle());
  }
}
