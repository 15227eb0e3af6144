package dev.breakwater.watch;


import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Reads Docker events into the {@link TriggerQueue}, and keeps reading across dockerd restarts:
 * when the stream breaks it reconnects with exponential back-off (100 ms doubling to 5 s), says
 * so in the log, and queues a {@link Trigger.Reconnected} check because events may have been
 * missed while it was away (and a restarted dockerd may have rebuilt its chains).
 */
public final class EventPump implements Runnable {
  static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofSeconds(1);

  private final EventConnection.Connector connector;
  private final TriggerQueue queue;
  private final WatchLog log;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private volatile boolean stopped;
  private volatile EventConnection current;
  private final CountDownLatch firstAttempt = new CountDownLatch(1);
  private final ContainerNames names = new ContainerNames();

  public EventPump(EventConnection.Connector connector, TriggerQueue queue, WatchLog log, InstantSource clock, Sleeper sleeper) {
    this.connector = connector;
    this.queue = queue;
    this.log = log;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public void run() {
    Optional<Instant> downSince = Optional.empty();
    Duration backoff = FIRST_BACKOFF;
    int failures = 0;
    while (!stopped) {
      EventConnection connection;
      try {
        connection = connector.open();
      } catch (RuntimeException e) {
        failures++;
        firstAttempt.countDown();
        if (downSince.isEmpty()) {
          downSince = Optional.of(clock.instant());
        }
        // Every failure while backing off, then once a minute: a long outage does not flood the log.
        if (backoff.compareTo(MAX_BACKOFF) < 0 || failures % 12 == 0) {
          log.write(log.line("docker-connect-failed").with("error", message(e)).with("attempt", failures)
              .with("retry_in_ms", backoff.toMillis()));
        }
        if (!pause(backoff)) {
          return;
        }
        backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
        continue;
      }
      current = connection;
      if (stopped) {
        connection.close();
        return;
      }
      if (downSince.isPresent()) {
        Instant now = clock.instant();
        log.write(log.line("docker-reconnected").with("attempts", failures)
            .with("down_ms", Duration.between(downSince.get(), now).toMillis()));
        queue.offer(new Trigger.Reconnected(now));
      }
      firstAttempt.countDown();
      downSince = Optional.empty();
      backoff = FIRST_BACKOFF;
      failures = 0;
      try {
        while (!stopped) {
          Optional<JsonNode> event = connection.next(POLL);
          event.flatMap(e -> DockerEvents.read(e, names)).ifPresent(e -> queue.offer(new Trigger.Docker(e)));
        }
      } catch (RuntimeException e) {
        if (stopped) {
          return;
        }
        downSince = Optional.of(clock.instant());
        log.write(log.line("docker-disconnected").with("error", message(e)).with("retry_in_ms", backoff.toMillis()));
        if (!pause(backoff)) {
          return;
        }
      } finally {
        connection.close();
        current = null;
      }
    }
  }

  /**
   * Waits until the first connection attempt is over (connected or failed), so that a check made
   * after it misses no event: what changes later is in the stream.
   */
  public boolean awaitFirstAttempt(Duration timeout) throws InterruptedException {
    return firstAttempt.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Ends {@link #run}: closes the stream it is reading. */
  public void stop() {
    stopped = true;
    EventConnection connection = current;
    if (connection != null) {
      connection.close();
    }
  }

  private boolean pause(Duration duration) {
    try {
      sleeper.sleep(duration);
      return !stopped;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String message(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
