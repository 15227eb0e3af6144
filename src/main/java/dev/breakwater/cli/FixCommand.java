package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "fix", mixinStandardHelpOptions = true, description = "Rewrite unsafe port publishing in place (prints a diff unless --write).")
public final class FixCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'fix' is not available in this build yet.");
  }
}
