package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "watch", mixinStandardHelpOptions = true, description = "Keep a policy in force as containers and the firewall change.")
public final class WatchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'watch' is not available in this build yet.");
  }
}
