package dev.breakwater.probe;

import dev.breakwater.system.RootCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real server from a Debian package, started by a test as a child process on 127.0.0.1 with a
 * temporary directory; {@link #close()} stops it (and anything it forked) and removes the
 * directory, also when the test failed.
 */
final class LocalServer implements AutoCloseable {
  /** Databases refuse to run as root; they run as this unprivileged user instead. */
  static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");

  final Path dir;
  final int port;
  private final List<Process> processes = new ArrayList<>();

  private LocalServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  static void assumeRootAnd(String... binaries) {
    RootCheck.assumeRoot("this test starts real servers as an unprivileged user and needs root to switch to it");
    for (String b : binaries) {
      // As root (CI) a missing server is a failure, not a skip: .ci/run installs them.
      if (!Files.isExecutable(Path.of(b))) {
        throw new AssertionError(b + " is missing: install its Debian package (.ci/run does)");
      }
    }
  }

  /** A fresh directory, readable by the unprivileged server user, and a free port. */
  static LocalServer prepare(String name) throws IOException {
    Path dir = Files.createTempDirectory("bwp-" + name + "-");
    dir.toFile().setReadable(true, false);
    dir.toFile().setExecutable(true, false);
    dir.toFile().setWritable(true, false);
    return new LocalServer(dir, freePort());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** Runs a set-up command to completion (initdb, install-db); fails the test with its output. */
  void runToCompletion(List<String> command) throws IOException, InterruptedException {
    Path log = dir.resolve("setup.log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish in 120 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(command + " exited " + p.exitValue() + ":\n" + Files.readString(log));
    }
  }

  /** Starts the server and waits until 127.0.0.1:{@link #port} accepts connections. */
  LocalServer start(List<String> command) throws IOException, InterruptedException {
    return start(command, "127.0.0.1");
  }

  /** Starts the server and waits until {@code host}:{@link #port} accepts connections. */
  LocalServer start(List<String> command, String host) throws IOException, InterruptedException {
    Path log = dir.resolve("server-" + processes.size() + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(command + " exited " + p.exitValue() + ":\n" + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 200);
        return this;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(command + " did not listen on " + host + ":" + port + " in 60 s:\n" + Files.readString(log));
  }

  /** Waits until the last server started has written {@code text} to its log. */
  LocalServer awaitLog(String text) throws IOException, InterruptedException {
    Path log = dir.resolve("server-" + (processes.size() - 1) + ".log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return this;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the server did not log '" + text + "' in 60 s:\n" + Files.readString(log));
  }

  Path file(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    f.toFile().setReadable(true, false);
    return f;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
