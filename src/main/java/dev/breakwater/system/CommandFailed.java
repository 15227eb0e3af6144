package dev.breakwater.system;

/**
 * A command ran and failed, did not finish in time, or could not be started. The message names
 * the command and carries its standard error, so that the caller can pass it on as it is.
 */
public final class CommandFailed extends RuntimeException {
  public CommandFailed(String message) {
    super(message);
  }
}
