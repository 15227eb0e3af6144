package dev.breakwater.system;

import java.util.function.Supplier;

/**
 * A read of this machine started on its own thread, so that independent commands run at once
 * rather than one after another: a live plan or apply reads iptables-save, ip6tables-save, nft and
 * ipset, and cuts connections after listing them per family and port; a watch check reads the
 * tables, addresses and routes while it asks Docker for the containers. Each command's start-up
 * (and nsenter's, in a namespace) was waited out in turn. {@link #get} hands back what the task
 * returned, or throws what it threw, unchanged, on the caller's thread: a caller reads the results
 * in the order and with the error handling it had when it ran them in sequence.
 *
 * <p>Only for tasks that share no state but their own result: command runs ({@link CommandRunner}
 * is an immutable record and each run has its own process).
 */
public final class PendingRead<T> {
  private final Thread thread;
  private T value;
  private Throwable failure;

  private PendingRead(String name, Supplier<T> task) {
    this.thread = Thread.ofPlatform().daemon().name("breakwater-" + name).unstarted(() -> {
      try {
        value = task.get();
      } catch (Throwable t) {
        failure = t;
      }
    });
  }

  /** Starts {@code task} now; {@code name} names its thread (seen in a thread dump). */
  public static <T> PendingRead<T> start(String name, Supplier<T> task) {
    PendingRead<T> read = new PendingRead<>(name, task);
    read.thread.start();
    return read;
  }

  /**
   * Waits for the task (the commands it runs have their own time-outs) and returns its result, or
   * rethrows its unchecked exception or error as it was thrown. Waiting is not interruptible: the
   * command is running either way; an interrupt is kept for the caller to see.
   */
  public T get() {
    join();
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException("a read failed with a checked exception", failure); // a Supplier cannot throw one
    }
    return value;
  }

  /** Waits for the task to end, whatever it gave; for a caller that must not leave a read running behind it. */
  public void join() {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join(); // join's happens-before makes value and failure visible to get
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
