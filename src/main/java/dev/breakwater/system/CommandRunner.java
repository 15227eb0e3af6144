package dev.breakwater.system;

import dev.breakwater.problem.EnvironmentProblem;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The one way Breakwater runs another program: an argument list (never a shell), standard input
 * from a string or nothing, a time limit after which the command and everything it started are
 * killed, and optionally a network namespace (and a mount namespace) entered with
 * {@code nsenter}, so the same code serves the live host and a lab host.
 *
 * @param netns the network namespace to run in, or the caller's
 * @param mountns a mount namespace file such as {@code /proc/PID/ns/mnt}
 */
public record CommandRunner(Optional<NetworkNamespace> netns, Optional<Path> mountns) {
  // sudo and cron often run with a PATH without the sbin directories where iptables lives.
  private static final List<String> SYSTEM_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");
  private static final File DEV_NULL = new File("/dev/null");

  public static CommandRunner local() {
    return new CommandRunner(Optional.empty(), Optional.empty());
  }

  public static CommandRunner in(NetworkNamespace namespace) {
    return new CommandRunner(Optional.of(namespace), Optional.empty());
  }

  /**
   * Runs commands in the named network namespace ({@code ip netns} name).
   *
   * @throws dev.breakwater.problem.BadInput when {@code name} is not a namespace name
   */
  public static CommandRunner inNetns(String name) {
    return in(new NetworkNamespace(name));
  }

  public CommandRunner withMountNamespace(Path mountNamespace) {
    return new CommandRunner(netns, Optional.of(mountNamespace));
  }

  /** What a command printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /** Thrown when a command did not finish in time (it and its descendants have been killed). */
  public static final class TimeoutException extends RuntimeException {
    TimeoutException(String message) {
      super(message);
    }
  }

  /** Whether this process runs as root: reading and changing the firewall needs it. */
  public static boolean runningAsRoot() {
    return ProcessHandle.current().info().user().map("root"::equals).orElse(false);
  }

  /** The absolute path of {@code tool}, searched on PATH and the usual system directories. */
  public static Optional<Path> find(String tool) {
    if (tool.contains("/")) {
      Path path = Path.of(tool);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    Set<String> dirs = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(SYSTEM_DIRS);
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, tool))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  /**
   * Runs {@code argv} (its first element an absolute path or a tool found by {@link #find}) and
   * waits at most {@code timeout}.
   *
   * @throws EnvironmentProblem when the tool is not installed (check with {@link #find} first) or
   *     the namespace does not exist
   * @throws TimeoutException when it ran too long
   */
  public Result run(List<String> argv, Duration timeout) {
    return run(argv, Optional.empty(), timeout);
  }

  /** {@link #run(List, Duration)} with {@code stdin} as the command's standard input. */
  public Result run(List<String> argv, String stdin, Duration timeout) {
    return run(argv, Optional.of(stdin), timeout);
  }

  private Result run(List<String> argv, Optional<String> stdin, Duration timeout) {
    netns.ifPresent(NetworkNamespace::requireExists);
    List<String> command = command(argv);
    Path in = null;
    Path out = null;
    Path err = null;
    try {
      // Files, not pipes: a command that writes more than a pipe holds before reading all of its
      // input cannot dead-lock against us, and no thread per stream is needed.
      if (stdin.isPresent()) {
        in = Files.createTempFile("breakwater-in", ".txt");
        Files.writeString(in, stdin.get(), StandardCharsets.UTF_8);
      }
      out = Files.createTempFile("breakwater-out", ".txt");
      err = Files.createTempFile("breakwater-err", ".txt");
      Process process = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(in == null ? DEV_NULL : in.toFile()))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        killTree(process);
        throw new TimeoutException(String.join(" ", argv) + " did not finish within " + timeout.toSeconds() + "s");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("running " + argv.getFirst() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + argv.getFirst(), e);
    } finally {
      deleteQuietly(in);
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /**
   * Runs {@code argv} on the caller's terminal (stdin, stdout and stderr inherited) and returns
   * its exit code; a command still running after {@code timeout} is killed (exit 124, like timeout(1)).
   */
  public int runInteractive(List<String> argv, Duration timeout) {
    netns.ifPresent(NetworkNamespace::requireExists);
    try {
      Process process = new ProcessBuilder(command(argv)).inheritIO().start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        killTree(process);
        return 124;
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException("running " + argv.getFirst() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + argv.getFirst(), e);
    }
  }

  /**
   * Starts {@code argv} in a session of its own ({@code setsid}) with no standard input and its
   * output appended to {@code log}, and returns at once: the process outlives this one and the
   * terminal or SSH session (and its SIGHUP) that started it.
   *
   * @throws EnvironmentProblem when the command cannot be started
   */
  public Process startDetached(List<String> argv, Path log) {
    netns.ifPresent(NetworkNamespace::requireExists);
    List<String> command = new ArrayList<>();
    command.add(find("setsid").orElseThrow(() -> new EnvironmentProblem("setsid is not installed (util-linux)")).toString());
    command.addAll(command(argv));
    try {
      return new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new EnvironmentProblem("cannot start " + argv.getFirst() + " (log " + log + "): " + e.getMessage());
    }
  }

  /** The full argument list: the nsenter prefix when in a namespace, then the resolved command. */
  public List<String> command(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    Path tool = find(argv.getFirst()).orElseThrow(() -> new EnvironmentProblem(argv.getFirst() + " is not installed"));
    List<String> command = new ArrayList<>();
    if (netns.isPresent() || mountns.isPresent()) {
      command.add(find("nsenter").orElseThrow(() -> new EnvironmentProblem("nsenter is not installed (util-linux)")).toString());
      netns.ifPresent(n -> command.addAll(n.nsenterOptions()));
      mountns.ifPresent(m -> command.add("--mount=" + m));
      command.add("--");
    }
    command.add(tool.toString());
    command.addAll(argv.subList(1, argv.size()));
    return command;
  }

  /**
   * Kills {@code process} and everything it started. The descendants are listed first: once the
   * parent is gone its children are re-parented and no longer found through it.
   */
  static void killTree(Process process) throws InterruptedException {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    process.waitFor(5, TimeUnit.SECONDS);
  }

  private static void deleteQuietly(Path path) {
    if (path != null) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // A leftover temp file is harmless; the command's result matters more.
      }
    }
  }
}
