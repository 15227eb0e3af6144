package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "confirm", mixinStandardHelpOptions = true, description = "Keep the change made by the last 'apply --confirm-within'.")
public final class ConfirmCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'confirm' is not available in this build yet.");
  }
}
