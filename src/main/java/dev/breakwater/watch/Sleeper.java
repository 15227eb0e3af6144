package dev.breakwater.watch;

import java.time.Duration;

/** Waits; a fake in tests, so reconnect back-off is tested without waiting. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = duration -> Thread.sleep(duration);

  void sleep(Duration duration) throws InterruptedException;
}
