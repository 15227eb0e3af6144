package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "apply", mixinStandardHelpOptions = true, description = "Apply a policy atomically, with automatic rollback unless confirmed.")
public final class ApplyCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'apply' is not available in this build yet.");
  }
}
