package dev.breakwater.cli;

import dev.breakwater.policy.ReachOracle;
import java.util.Optional;

/** The reach engine the plan's proof runs; empty until the engine is part of this build. */
final class ReachProof {
  private ReachProof() {}

  static Optional<ReachOracle> engine() {
    return Optional.empty();
  }
}
