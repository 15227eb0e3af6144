package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "rollback", mixinStandardHelpOptions = true, description = "Restore the firewall state from before the last apply.")
public final class RollbackCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'rollback' is not available in this build yet.");
  }
}
