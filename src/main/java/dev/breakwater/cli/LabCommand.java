package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "lab", mixinStandardHelpOptions = true, description = "A disposable Docker + UFW host in network namespaces on this machine.")
public final class LabCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'lab' is not available in this build yet.");
  }
}
