package dev.breakwater.probe;

import dev.breakwater.problem.InputProblem;

/** A target, port list or expectation the user wrote that cannot be used; the message says which. */
public final class ProbeInputException extends RuntimeException implements InputProblem {
  public ProbeInputException(String message) {
    super(message);
  }
}
