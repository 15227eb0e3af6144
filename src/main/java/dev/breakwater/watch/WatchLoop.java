package dev.breakwater.watch;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * The checker's loop: a check at start, then one per batch of triggers, one when the interval
 * passes without any, and retries (sooner than the interval) after a failed check.
 */
public final class WatchLoop {
  private final Watcher watcher;
  private final TriggerQueue queue;
  private final InstantSource clock;
  private final Duration interval;
  private final Duration retry;
  private volatile boolean stopped;
  private Instant due;
  private boolean lastFailed;

  public WatchLoop(Watcher watcher, TriggerQueue queue, InstantSource clock, Duration interval, Duration retry) {
    if (interval.isNegative() || interval.isZero() || retry.isNegative() || retry.isZero()) {
      throw new IllegalArgumentException("interval and retry must be above zero");
    }
    this.watcher = watcher;
    this.queue = queue;
    this.clock = clock;
    this.interval = interval;
    this.retry = retry;
  }

  /** The first check, before any event: the policy is put in force at once. */
  public Watcher.Result start() {
    return checked(watcher.check(List.of(new Trigger.Startup(clock.instant()))));
  }

  /**
   * Waits for triggers (at most until the next periodic check or retry is due) and checks once.
   *
   * @return the check's result; empty when woken by {@link #stop} or early without a trigger
   */
  public Optional<Watcher.Result> step() throws InterruptedException {
    Duration wait = Duration.between(clock.instant(), due());
    List<Trigger> batch = queue.await(wait);
    if (stopped) {
      return Optional.empty();
    }
    if (batch.isEmpty()) {
      Instant now = clock.instant();
      if (now.isBefore(due())) {
        return Optional.empty();
      }
      batch = List.of(lastFailed ? new Trigger.Retry(now) : new Trigger.Periodic(now));
    }
    return Optional.of(checked(watcher.check(batch)));
  }

  /** Runs {@link #start} and then {@link #step} until {@link #stop}. */
  public void run() throws InterruptedException {
    run(Long.MAX_VALUE);
  }

  /** Runs {@link #start} and then {@link #step} until {@link #stop} or {@code maxChecks} checks. */
  public void run(long maxChecks) throws InterruptedException {
    start();
    long checks = 1;
    while (!stopped && checks < maxChecks) {
      if (step().isPresent()) {
        checks++;
      }
    }
  }

  /** Ends {@link #run} after the check in progress, if any. */
  public void stop() {
    stopped = true;
    queue.wake();
  }

  private Watcher.Result checked(Watcher.Result result) {
    lastFailed = result == Watcher.Result.FAILED;
    due = clock.instant().plus(lastFailed ? retry : interval);
    return result;
  }

  private Instant due() {
    return due == null ? clock.instant() : due;
  }
}
