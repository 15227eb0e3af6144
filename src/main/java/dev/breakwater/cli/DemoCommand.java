package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "See the flaw and the fix, safely, in a disposable lab.")
public final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'demo' is not available in this build yet.");
  }
}
