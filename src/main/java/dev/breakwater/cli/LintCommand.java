package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "lint", mixinStandardHelpOptions = true, description = "Find unsafe port publishing in compose files and docker run lines.")
public final class LintCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'lint' is not available in this build yet.");
  }
}
