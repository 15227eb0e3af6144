package dev.breakwater.compose;

import dev.breakwater.problem.InputProblem;

/**
 * A compose file, script or lint config that cannot be understood; the message reads {@code
 * file:line:col: what was expected}. Nothing is ever rewritten from a file that raised one.
 */
public final class BadInputException extends RuntimeException implements InputProblem {
  public BadInputException(String message) {
    super(message);
  }

  static BadInputException at(SourceFile file, int offset, String what) {
    return new BadInputException(
        file.displayPath() + ":" + file.line(offset) + ":" + file.column(offset) + ": " + what);
  }
}
