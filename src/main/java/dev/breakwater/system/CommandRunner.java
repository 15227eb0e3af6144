package dev.breakwater.system;

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
import java.util.regex.Pattern;

/**
 * Runs external commands from argument lists (never a shell), with a timeout, optionally inside
 * a network namespace (and a mount namespace) through {@code nsenter}: the same gatherer then
 * serves the live host and a lab host in a namespace.
 *
 * @param netns a network namespace file such as {@code /run/netns/bwl-host}
 * @param mountns a mount namespace file such as {@code /proc/PID/ns/mnt}
 */
public record CommandRunner(Optional<Path> netns, Optional<Path> mountns) {
  private static final Pattern NETNS_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  // sudo and cron often run with a PATH without the sbin directories where iptables lives.
  private static final List<String> SYSTEM_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

  public static CommandRunner local() {
    return new CommandRunner(Optional.empty(), Optional.empty());
  }

  /** Runs commands in the named network namespace ({@code ip netns} name). */
  public static CommandRunner inNetns(String name) {
    if (!NETNS_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a network namespace name: " + name);
    }
    return new CommandRunner(Optional.of(Path.of("/run/netns", name)), Optional.empty());
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

  /** Thrown when a command did not finish in time (it has been killed). */
  public static final class TimeoutException extends RuntimeException {
    TimeoutException(String message) {
      super(message);
    }
  }

  /** The absolute path of {@code tool}, searched on PATH and the usual system directories. */
  /** Whether this process runs as root: reading and changing the firewall needs it. */
  public static boolean runningAsRoot() {
    return ProcessHandle.current().info().user().map("root"::equals).orElse(false);
  }

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
   * @throws IllegalStateException when the tool is not installed (check with {@link #find} first)
   * @throws TimeoutException when it ran too long
   */
  public Result run(List<String> argv, Duration timeout) {
    List<String> command = command(argv);
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("breakwater-out", ".txt");
      err = Files.createTempFile("breakwater-err", ".txt");
      Process process = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new TimeoutException(String.join(" ", argv) + " did not finish within " + timeout.toSeconds() + "s");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("running " + argv.getFirst() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + argv.getFirst(), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /**
   * Runs {@code argv} on the caller's terminal (stdin, stdout and stderr inherited) and returns
   * its exit code; a command still running after {@code timeout} is killed (exit 124, like timeout(1)).
   */
  public int runInteractive(List<String> argv, Duration timeout) {
    try {
      Process process = new ProcessBuilder(command(argv)).inheritIO().start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
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

  /** The full argument list: the nsenter prefix when in a namespace, then the resolved command. */
  public List<String> command(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    Path tool = find(argv.getFirst()).orElseThrow(() -> new IllegalStateException(argv.getFirst() + " is not installed"));
    List<String> command = new ArrayList<>();
    if (netns.isPresent() || mountns.isPresent()) {
      command.add(find("nsenter").orElseThrow(() -> new IllegalStateException("nsenter is not installed (util-linux)")).toString());
      netns.ifPresent(n -> command.add("--net=" + n));
      mountns.ifPresent(m -> command.add("--mount=" + m));
      command.add("--");
    }
    command.add(tool.toString());
    command.addAll(argv.subList(1, argv.size()));
    return command;
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
