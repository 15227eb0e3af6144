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

  /**
   * @param selfCommand the command that starts this same Breakwater build ({@code cli} knows it)
   * @param rollbackArgs the rollback verb and its options
   */
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
