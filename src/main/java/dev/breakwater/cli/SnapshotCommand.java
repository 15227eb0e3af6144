package dev.breakwater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "snapshot", mixinStandardHelpOptions = true, description = "Write a snapshot directory from the live host.")
public final class SnapshotCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("'snapshot' is not available in this build yet.");
  }
}
