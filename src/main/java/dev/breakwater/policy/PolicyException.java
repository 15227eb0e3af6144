package dev.breakwater.policy;

import dev.breakwater.problem.InputProblem;

/**
 * A policy the user must correct before anything is applied: the message reads
 * {@code file:line:column: expected ...} (or names the container label that is wrong).
 */
public final class PolicyException extends RuntimeException implements InputProblem {

  public PolicyException(String message) {
    super(message);
  }

  static PolicyException at(String file, int line, int column, String expected) {
    return new PolicyException(file + ":" + line + ":" + column + ": " + expected);
  }
}
