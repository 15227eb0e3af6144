package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "plan", mixinStandardHelpOptions = true, description = "Show and prove the firewall change a policy file asks for.")
public final class PlanCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'plan' is not available in this build yet.");
  }
}
