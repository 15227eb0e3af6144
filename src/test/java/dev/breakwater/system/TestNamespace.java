package dev.breakwater.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tests' one network namespace: named {@code bwt-PID-N} (or another prefix), created with {@code ip netns add},
 * entered the way Breakwater enters one ({@link CommandRunner#in}, that is
 * {@code nsenter --net=/run/netns/NAME}, never {@code ip netns exec}) and deleted by
 * {@link #close()}, with every process still in it, its links, addresses and rules. No JUnit or
 * AssertJ here: the benchmarks use it too.
 */
public final class TestNamespace implements AutoCloseable {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** The {@code ip netns} name. */
  public final String name;
  private final NetworkNamespace namespace;
  private final CommandRunner runner;
  private final List<Process> started = new ArrayList<>();

  /** Creates a fresh, empty namespace (its own loopback, down, and an empty firewall). */
  public TestNamespace() {
    this("bwt");
  }

  /** Creates a fresh, empty namespace named {@code PREFIX-PID-N}: a test's own prefix, so its namespaces are told apart from others'. */
  public TestNamespace(String prefix) {
    name = prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    namespace = new NetworkNamespace(name);
    runner = CommandRunner.in(namespace);
    host(List.of("ip", "netns", "add", name));
  }

  public NetworkNamespace namespace() {
    return namespace;
  }

  /** Runs commands inside this namespace. */
  public CommandRunner runner() {
    return runner;
  }

  /** {@code argv} inside this namespace, as a full argument list (for a process the test starts itself). */
  public List<String> command(List<String> argv) {
    return runner.command(argv);
  }

  /** {@link #command(List)} of {@code argv}. */
  public List<String> command(String... argv) {
    return command(List.of(argv));
  }

  /** Starts {@code argv} in this namespace in the background, its output discarded; {@link #close()} stops it. */
  public Process start(String... argv) throws java.io.IOException {
    Process process = new ProcessBuilder(command(argv))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    started.add(process);
    return process;
  }

  /**
   * Starts {@code argv} in this namespace and the mount namespace {@code mountNamespace} in the
   * background, its output appended to {@code log}; {@link #close()} stops it.
   */
  public Process start(java.nio.file.Path mountNamespace, java.nio.file.Path log, List<String> argv) throws java.io.IOException {
    Process process = new ProcessBuilder(runner.withMountNamespace(mountNamespace).command(argv))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    started.add(process);
    return process;
  }

  /** Runs {@code argv} in this namespace and returns its output; any exit but 0 is a failure. */
  public String run(String... argv) {
    return run(List.of(argv), "");
  }

  /** Runs {@code argv} in this namespace with {@code stdin}; any exit but 0 is a failure. */
  public String run(List<String> argv, String stdin) {
    return checked(argv, runner.run(argv, stdin, TIMEOUT));
  }

  /** Runs {@code argv} in this namespace and the mount namespace {@code mountNamespace}; any exit but 0 is a failure. */
  public String run(java.nio.file.Path mountNamespace, List<String> argv) {
    return checked(argv, runner.withMountNamespace(mountNamespace).run(argv, TIMEOUT));
  }

  /** {@code argv} in this namespace and the mount namespace {@code mountNamespace}, whatever its exit. */
  public CommandRunner.Result attempt(java.nio.file.Path mountNamespace, List<String> argv) {
    return runner.withMountNamespace(mountNamespace).run(argv, TIMEOUT);
  }

  /** Loads a complete ruleset (replacing the tables it names), as Docker and UFW would have left it. */
  public void load(String tool, String rules) {
    run(List.of(tool), rules);
  }

  /** {@code iptables-save} (or ip6tables-save) without its timestamped comment lines. */
  public String save(String tool) {
    List<String> lines = new ArrayList<>();
    for (String line : run(tool).split("\n")) {
      if (!line.startsWith("#")) {
        lines.add(line);
      }
    }
    return String.join("\n", lines) + "\n";
  }

  /** {@code ip ARGS} inside this namespace. */
  public void ip(String... args) {
    List<String> argv = new ArrayList<>(List.of("ip"));
    argv.addAll(List.of(args));
    run(argv, "");
  }

  /**
   * Loopback up and IPv6 off: a lab of iptables rulesets, where no link-local address waits out
   * its duplicate address detection or changes a recorded ip-addr.json from run to run.
   */
  public TestNamespace ipv4Only() {
    ip("link", "set", "lo", "up");
    run("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
    run("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
    return this;
  }

  /** {@code ip6tables ARGS} inside this namespace. */
  public void ip6tables(String... args) {
    List<String> argv = new ArrayList<>(List.of("ip6tables"));
    argv.addAll(List.of(args));
    run(argv, "");
  }

  /** Runs {@code argv} in the caller's namespaces and returns its output; any exit but 0 is a failure. */
  public static String host(List<String> argv) {
    return host(argv, "");
  }

  /** {@link #host(List)} with {@code stdin}. */
  public static String host(List<String> argv, String stdin) {
    return checked(argv, CommandRunner.local().run(argv, stdin, TIMEOUT));
  }

  private static String checked(List<String> argv, CommandRunner.Result result) {
    if (!result.ok()) {
      throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + result.exitCode() + "): "
          + result.stderr() + result.stdout());
    }
    return result.stdout();
  }

  /** Kills what still runs in the namespace, then deletes it; also after a failed test. */
  @Override
  public void close() {
    for (Process process : started) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (!namespace.exists()) {
      return;
    }
    CommandRunner.Result pids = CommandRunner.local().run(List.of("ip", "netns", "pids", name), Duration.ofSeconds(10));
    for (String pid : pids.stdout().split("\\s+")) {
      if (pid.matches("\\d+")) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    host(List.of("ip", "netns", "del", name));
  }
}
