package dev.breakwater.cli;

import dev.breakwater.policy.ReachEngineOracle;
import dev.breakwater.policy.ReachOracle;
import java.util.Optional;

/** The reach engine the plan's proof runs. */
final class ReachProof {
  private ReachProof() {}

  static Optional<ReachOracle> engine() {
    return Optional.of(new ReachEngineOracle());
  }
}
