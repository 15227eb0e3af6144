package dev.breakwater.firewall;

import dev.breakwater.problem.EnvironmentProblem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;

/**
 * The one lock of the state directory ({@code lock}, an {@code fcntl} lock through
 * {@link FileChannel#lock}): apply, confirm, rollback, the rollback timer and the boot unit each
 * hold it from reading the journal to writing it, and watch for each correction (from reading
 * the journal to the verified kernel: {@code watch.JournalGate}), so a confirm never races the
 * timer, two applies never interleave and a correction never lands in the middle of either. The kernel drops it when the process dies, so a crash leaves no stale lock.
 */
public final class StateLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private StateLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Checks the directory ({@link StateStore#check}), then waits for the lock. */
  public static StateLock take(StateStore store) {
    store.check();
    FileChannel channel = null;
    try {
      channel = store.openForLock("lock");
      return new StateLock(channel, channel.lock());
    } catch (IOException e) {
      closeQuietly(channel);
      throw new EnvironmentProblem("cannot lock " + store.file("lock") + ": " + e.getMessage()
          + (e.getMessage() != null && e.getMessage().contains("symbolic") ? "" : "; is the state directory writable?"));
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // nothing was locked
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel below releases it too
    }
    closeQuietly(channel);
  }
}
