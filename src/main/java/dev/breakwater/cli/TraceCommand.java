package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "trace", mixinStandardHelpOptions = true, description = "One packet through the host's firewall: every rule, the NAT, the verdict.")
public final class TraceCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'trace' is not available in this build yet.");
  }
}
