package dev.breakwater.watch;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * The checker's loop: a check at start, then one per batch of triggers, one when the interval
 * passes without any, and retries (sooner than the interval) after a failed check.
 *
 * <p>A container's end is checked twice: dockerd sends {@code die} and {@code network
 * disconnect} before its container list stops showing the container as running (seen with
 * Docker 20.10: a check on those events can still find it), so a {@link Trigger.Settle} check
 * follows {@link #SETTLE} later and removes its rules.
 */
public final class WatchLoop {
  /** How long after a container's end its settle check runs. */
  public static final Duration SETTLE = Duration.ofMillis(300);

  private final DriftCheck watcher;
  private final TriggerQueue queue;
  private final InstantSource clock;
  private final Duration interval;
  private final Duration retry;
  private volatile boolean stopped;
  private Instant due;
  private boolean lastFailed;
  private Instant settleDue;

  public WatchLoop(DriftCheck watcher, TriggerQueue queue, InstantSource clock, Duration interval, Duration retry) {
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
  public DriftCheck.Result start() {
    return checked(watcher.check(List.of(new Trigger.Startup(clock.instant()))));
  }

  /**
   * Waits for triggers (at most until the next periodic check or retry is due) and checks once.
   *
   * @return the check's result; empty when woken by {@link #stop} or early without a trigger
   */
  public Optional<DriftCheck.Result> step() throws InterruptedException {
    Instant next = settleDue != null && settleDue.isBefore(due()) ? settleDue : due();
    List<Trigger> batch = queue.await(Duration.between(clock.instant(), next));
    if (stopped) {
      return Optional.empty();
    }
    if (batch.isEmpty()) {
      Instant now = clock.instant();
      if (now.isBefore(next)) {
        return Optional.empty();
      }
      if (next == settleDue) {
        batch = List.of(new Trigger.Settle(now));
      } else {
        batch = List.of(lastFailed ? new Trigger.Retry(now) : new Trigger.Periodic(now));
      }
    }
    Instant started = clock.instant();
    DriftCheck.Result result = checked(watcher.check(batch));
    if (batch.stream().anyMatch(WatchLoop::endsAContainer)) {
      settleDue = clock.instant().plus(SETTLE);
    } else if (settleDue != null && !started.isBefore(settleDue)) {
      settleDue = null;
    }
    return Optional.of(result);
  }

  private static boolean endsAContainer(Trigger trigger) {
    return trigger instanceof Trigger.Docker docker && switch (docker.event().kind()) {
      case CONTAINER_STOP, CONTAINER_DIE, CONTAINER_DESTROY, NETWORK_DISCONNECT -> true;
      case CONTAINER_START, NETWORK_CONNECT -> false;
    };
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

  private DriftCheck.Result checked(DriftCheck.Result result) {
    lastFailed = result == DriftCheck.Result.FAILED;
    due = clock.instant().plus(lastFailed ? retry : interval);
    return result;
  }

  private Instant due() {
    return due == null ? clock.instant() : due;
  }
}
