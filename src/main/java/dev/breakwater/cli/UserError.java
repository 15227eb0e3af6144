package dev.breakwater.cli;


/**
 * A problem the user can act on (bad input, missing privilege, missing tool). Printed as one
 * message without a stack trace; the process exits with {@link #exitCode()}.
 */
public final class UserError extends RuntimeException {
  private final int exitCode;

  public UserError(String message) {
    this(message, ExitCodes.BAD_INPUT);
  }

  public UserError(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
    this.exitCode = ExitCodes.BAD_INPUT;
  }

  public int exitCode() {
    return exitCode;
  }
}
