package dev.breakwater.watch;

import java.time.InstantSource;
import java.util.function.Consumer;

/** Where watch's log lines go (standard output under systemd: the journal), stamped by a clock. */
public final class WatchLog {
  private final InstantSource clock;
  private final Consumer<String> sink;

  public WatchLog(InstantSource clock, Consumer<String> sink) {
    this.clock = clock;
    this.sink = sink;
  }

  /** A line stamped now; call {@link #write} when its fields are in. */
  public LogLine line(String event) {
    return LogLine.at(clock.instant(), event);
  }

  public void write(LogLine line) {
    // One call per line, so concurrent writers (the event reader, the checker) never interleave.
    synchronized (this) {
      sink.accept(line.toString());
    }
  }
}
