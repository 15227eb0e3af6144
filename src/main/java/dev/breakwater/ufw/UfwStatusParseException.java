package dev.breakwater.ufw;

import dev.breakwater.problem.InputProblem;

/** Text that is not {@code ufw status verbose} output; the message reads {@code file:line: ...}. */
public final class UfwStatusParseException extends RuntimeException implements InputProblem {
  public UfwStatusParseException(String file, int line, String expected) {
    super(file + ":" + line + ": " + expected);
  }
}
