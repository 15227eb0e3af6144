package dev.breakwater.cli;

import dev.breakwater.probe.ScanProgress;
import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;

/** A one-line, overwritten progress report on a terminal; silent when output is piped. */
final class ProgressLine implements ScanProgress {
  private final PrintWriter err;
  private final boolean enabled;
  private int lastLength;

  private ProgressLine(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  static ProgressLine onTerminal(PrintWriter err) {
    return new ProgressLine(err, isTerminal());
  }

  @Override
  public void update(long done, long total, long open) {
    if (!enabled) {
      return;
    }
    String line = String.format("probe: %d/%d connects (%d%%), %d open", done, total,
        total == 0 ? 100 : done * 100 / total, open);
    err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
    err.flush();
    lastLength = line.length();
  }

  void clear() {
    if (enabled && lastLength > 0) {
      err.print("\r" + " ".repeat(lastLength) + "\r");
      err.flush();
    }
  }

  /**
   * Since JDK 22 System.console() is non-null even when redirected, and Console.isTerminal()
   * tells the difference; the code targets Java 21, so that method is looked up when present.
   */
  private static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method m = Console.class.getMethod("isTerminal");
      return (Boolean) m.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
