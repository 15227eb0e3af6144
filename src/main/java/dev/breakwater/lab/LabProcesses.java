package dev.breakwater.lab;

import dev.breakwater.system.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The lab's processes once they run: finding them (by network or mount namespace, by pid file),
 * telling whether one is still ours, and ending it with its descendants. Starting a process is
 * {@link dev.breakwater.system.CommandRunner}'s job; this class only reads {@code /proc} and
 * signals.
 */
final class LabProcesses {
  private final Consumer<String> progress;

  LabProcesses(Consumer<String> progress) {
    this.progress = progress;
  }

  /** SIGKILLs {@code pid} and everything it started, and waits briefly for it to be gone. */
  void killTree(long pid) {
    ProcessHandle.of(pid).ifPresent(p -> {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      if (!awaitExit(p, Duration.ofSeconds(5))) {
        progress.accept("process " + pid + " did not exit after SIGKILL");
      }
    });
  }

  /**
   * Asks {@code pid} (called {@code name} in messages) to stop with SIGTERM, waits at most {@code
   * grace}, then SIGKILLs what is left of its tree. Does nothing when the pid is gone or is not
   * in network namespace {@code ns} (reused by a process that is not ours).
   */
  void stop(long pid, String ns, String name, Duration grace) {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !inNamespace(pid, ns)) {
      return;
    }
    progress.accept("stopping " + name + " " + pid);
    List<ProcessHandle> tree = Stream.concat(process.get().descendants(), Stream.of(process.get())).toList();
    process.get().destroy();
    if (!awaitExit(process.get(), grace)) {
      progress.accept(name + " did not stop in " + grace.toSeconds() + "s, killing it");
    }
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  /** SIGKILLs a process this JVM started and what it started, and waits briefly for it. */
  static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    awaitExit(process.toHandle(), Duration.ofSeconds(5));
  }

  // onExit() of a process that is not our child polls with a growing interval (seconds late);
  // the lab's daemons were started by an earlier 'lab up', so poll briskly here instead.
  static boolean awaitExit(ProcessHandle process, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (process.isAlive() && !zombie(process.pid())) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(20);
    }
    return true;
  }

  // A killed orphan stays a zombie until init reaps it, which some inits do only now and then.
  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int end = stat.lastIndexOf(')');
      return end > 0 && stat.length() > end + 2 && stat.charAt(end + 2) == 'Z';
    } catch (IOException e) {
      return true; // Gone already.
    }
  }

  static boolean inNamespace(long pid, String ns) {
    Optional<String> theirs = readLink(Path.of("/proc", Long.toString(pid), "ns", "net"));
    try {
      String expected = "net:[" + Files.getAttribute(new NetworkNamespace(ns).path(), "unix:ino") + "]";
      return theirs.isPresent() && theirs.get().equals(expected);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Every process whose mount namespace link reads {@code namespace} ({@code mnt:[4026532317]}). */
  static List<Long> inMountNamespace(String namespace) {
    if (namespace.isEmpty()) {
      return List.of();
    }
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.map(p -> p.getFileName().toString())
          .filter(name -> name.matches("\\d+"))
          .filter(pid -> readLink(Path.of("/proc", pid, "ns", "mnt")).filter(namespace::equals).isPresent())
          .map(Long::parseLong)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pid a daemon wrote to {@code file}, empty when there is none or it is not a number. */
  static Optional<Long> readPidFile(Path file) {
    try {
      return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).strip())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The mount namespace link of {@code pid}, such as {@code /proc/PID/ns/mnt}. */
  static Path mountNamespace(long pid) {
    return Path.of("/proc", Long.toString(pid), "ns", "mnt");
  }

  static boolean alive(long pid) {
    return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static Optional<String> readLink(Path link) {
    try {
      return Optional.of(Files.readSymbolicLink(link).toString());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted");
    }
  }
}
