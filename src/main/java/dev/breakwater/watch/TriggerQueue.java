package dev.breakwater.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Triggers waiting for the checker. A check reads the whole host, so every trigger that arrived
 * while the previous check ran is answered by the next one: a burst of events (ten containers
 * started by one {@code docker compose up}) costs one or two checks, not ten.
 */
public final class TriggerQueue {
  // Wakes a waiting checker without a trigger (to stop it); never handed out.
  private static final Object WAKE = new Object();

  private final LinkedBlockingQueue<Object> pending = new LinkedBlockingQueue<>();

  public void offer(Trigger trigger) {
    pending.add(trigger);
  }

  /** Ends a wait in {@link #await} early, with whatever is queued (possibly nothing). */
  public void wake() {
    pending.add(WAKE);
  }

  /**
   * Waits at most {@code wait} for a trigger, then takes it and every other one already queued.
   *
   * @return the batch, empty when nothing came in time or {@link #wake} was called
   */
  public List<Trigger> await(Duration wait) throws InterruptedException {
    Object first = wait.isNegative() || wait.isZero()
        ? pending.poll()
        : pending.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    List<Object> taken = new ArrayList<>();
    if (first == null) {
      return List.of();
    }
    taken.add(first);
    pending.drainTo(taken);
    List<Trigger> batch = new ArrayList<>();
    for (Object item : taken) {
      if (item instanceof Trigger trigger) {
        batch.add(trigger);
      }
    }
    return batch;
  }

  /** Triggers queued now. */
  public int size() {
    return (int) pending.stream().filter(Trigger.class::isInstance).count();
  }
}
