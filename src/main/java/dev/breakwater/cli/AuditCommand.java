package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "Who can reach each published port, what UFW claims, and the gap.")
public final class AuditCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'audit' is not available in this build yet.");
  }
}
