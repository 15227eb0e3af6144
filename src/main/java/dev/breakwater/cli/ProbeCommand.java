package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "probe", mixinStandardHelpOptions = true, description = "From outside: which ports answer, and which data stores let a stranger in.")
public final class ProbeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'probe' is not available in this build yet.");
  }
}
