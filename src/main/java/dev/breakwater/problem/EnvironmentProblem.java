package dev.breakwater.problem;

/**
 * The machine lacks something a command needs (a tool, root, a running daemon, a writable
 * directory). The message says what is missing and what to do about it; the command changed
 * nothing it did not also undo.
 */
public final class EnvironmentProblem extends RuntimeException {
  public EnvironmentProblem(String message) {
    super(message);
  }

  public EnvironmentProblem(String message, Throwable cause) {
    super(message, cause);
  }
}
