package dev.breakwater.cli;

import dev.breakwater.problem.EnvironmentProblem;
import dev.breakwater.problem.InputProblem;

import picocli.CommandLine;

/** Prints {@link UserError}s, input and environment problems as one line; never a stack trace for bad input. */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
    if (e instanceof UserError userError) {
      cli.getErr().println("breakwater: " + userError.getMessage());
      return userError.exitCode();
    }
    if (e instanceof InputProblem problem) {
      cli.getErr().println("breakwater: " + problem.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    if (e instanceof EnvironmentProblem problem) {
      cli.getErr().println("breakwater: " + problem.getMessage());
      return ExitCodes.ENVIRONMENT;
    }
    // A bug in Breakwater, not in the user's input: say so, and keep the trace for the report.
    cli.getErr().println("breakwater: internal error (please report it with the trace below): " + e);
    e.printStackTrace(cli.getErr());
    return ExitCodes.INTERNAL_ERROR;
  }
}
