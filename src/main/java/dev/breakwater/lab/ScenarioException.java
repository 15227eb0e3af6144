package dev.breakwater.lab;

import dev.breakwater.problem.InputProblem;

/** A scenario file that cannot be used; the message reads {@code file:line:col: what was expected}. */
public final class ScenarioException extends RuntimeException implements InputProblem {
  ScenarioException(String message) {
    super(message);
  }
}
