package dev.breakwater.firewall;

import dev.breakwater.problem.EnvironmentProblem;
import dev.breakwater.system.CommandRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the process that rolls an unconfirmed change back: {@code breakwater rollback
 * --if-unconfirmed TOKEN}, under {@code setsid} so that it has its own session and process group
 * and survives the SSH session (and its SIGHUP) that started the apply.
 */
public final class RollbackTimer {
  private RollbackTimer() {}

  /** The command that starts this same Breakwater build: the running JVM, its class path, Main. */
  public static List<String> selfCommand() {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return List.of(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.breakwater.cli.Main");
  }

  public static void start(List<String> selfCommand, List<String> rollbackArgs, Path log) {
    List<String> command = new ArrayList<>(selfCommand);
    command.addAll(rollbackArgs);
    try {
      CommandRunner.local().startDetached(command, log);
    } catch (EnvironmentProblem e) {
      throw new ApplyException("cannot start the rollback timer: " + e.getMessage());
    }
  }
}
