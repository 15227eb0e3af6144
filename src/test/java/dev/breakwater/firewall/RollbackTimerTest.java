package dev.breakwater.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.system.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timer outlives the SSH session: when a terminal hangs up, the kernel sends SIGHUP to the
 * session that terminal controls (drivers/tty/tty_jobctrl.c, tty_signal_session_leader), and the
 * shell passes it on to its jobs. A process in a session of its own, with no controlling
 * terminal, gets neither, so that is what the started process must have.
 */
class RollbackTimerTest {
  @TempDir Path tmp;

  @Test
  void theDetachedProcessHasItsOwnSessionAndNoTerminal() throws Exception {
    Process timer = CommandRunner.local().startDetached(List.of("sleep", "30"), tmp.resolve("timer.log"));
    try {
      long[] own = stat("self");
      long[] started = stat(Long.toString(timer.pid()));
      for (int i = 0; i < 50 && started[0] == own[0]; i++) { // setsid execs sleep once it has made the session
        Thread.sleep(20);
        started = stat(Long.toString(timer.pid()));
      }
      assertThat(started[0]).as("session id").isNotEqualTo(own[0]).isEqualTo(timer.pid());
      assertThat(started[1]).as("controlling terminal").isZero();
    } finally {
      timer.destroyForcibly();
    }
  }

  /** {session, tty_nr} of /proc/PID/stat. */
  private static long[] stat(String pid) throws IOException {
    String text = Files.readString(Path.of("/proc", pid, "stat"));
    String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(fields[3]), Long.parseLong(fields[4])};
  }
}
