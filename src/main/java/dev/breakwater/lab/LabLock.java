package dev.breakwater.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One lab session at a time on this machine. The lab's names are fixed (bwl-host,
 * /run/breakwater-lab), so two test runs, or a test run and a demo, would tear down each
 * other's lab. A session holds an exclusive lock on {@code /run/breakwater-lab.lock} from
 * {@code up} to {@code down}; the kernel releases it when the process ends, so a crashed
 * session never blocks the next one. Inside one JVM a semaphore does the same (file locks are
 * per process).
 */
final class LabLock implements AutoCloseable {
  static final Path FILE = Path.of(Lab.PREFIX.equals("bwl") ? "/run/breakwater-lab.lock" : "/run/breakwater-lab-" + Lab.PREFIX + ".lock");
  private static final Semaphore IN_THIS_JVM = new Semaphore(1);

  private final FileChannel channel;
  private final FileLock lock;

  private LabLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Waits at most {@code wait} for other sessions to end, saying once who holds the lab. */
  static LabLock acquire(Duration wait, Consumer<String> progress) {
    long deadline = System.nanoTime() + wait.toNanos();
    boolean told = false;
    try {
      if (!IN_THIS_JVM.tryAcquire()) {
        progress.accept("waiting for this process's other lab session to end");
        if (!IN_THIS_JVM.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new LabException("another lab session in this process did not end within " + wait.toSeconds() + "s");
        }
      }
      FileChannel channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        while (true) {
          FileLock lock = channel.tryLock();
          if (lock != null) {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new LabLock(channel, lock);
          }
          if (System.nanoTime() > deadline) {
            throw new LabException("the lab is in use by process " + holder(channel) + " (a test run or a demo) and it did not end within "
                + wait.toSeconds() + "s; try again when it has ended");
          }
          if (!told) {
            progress.accept("waiting for the lab: process " + holder(channel) + " (a test run or a demo) is using it");
            told = true;
          }
          Thread.sleep(200);
        }
      } catch (RuntimeException | IOException | InterruptedException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      IN_THIS_JVM.release();
      throw new UncheckedIOException("cannot lock " + FILE + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      IN_THIS_JVM.release();
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while waiting for the lab");
    } catch (RuntimeException e) {
      IN_THIS_JVM.release();
      throw e;
    }
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      int n = channel.read(buffer, 0);
      return n <= 0 ? "?" : new String(buffer.array(), 0, n, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "?";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock in any case.
    } finally {
      IN_THIS_JVM.release();
    }
  }
}
