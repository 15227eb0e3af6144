package dev.breakwater.reach.oracle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test class's {@code main} as a command of its own: a JVM cannot enter a network namespace,
 * so a listener or a probe that must live in one is a second JVM started there (by
 * {@code ip netns exec} or {@link dev.breakwater.system.TestNamespace#command}), this JVM's java
 * with the test classes on its class path, kept small (serial GC, 64 MB, C1 only).
 */
public final class TestJvm {
  private TestJvm() {}

  /** {@code java ... -cp TEST-CLASSES main args}, without the way into a namespace. */
  public static List<String> command(Class<?> main, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classes;
    try {
      classes = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IOException("cannot locate the test classes", e);
    }
    List<String> argv = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
        "-cp", classes, main.getName()));
    argv.addAll(List.of(args));
    return argv;
  }

  /**
   * Waits for the {@code READY} line that {@link PortListener} and {@link ConnectionProbe} print
   * once they are set up; returns the rest of their output.
   */
  public static BufferedReader awaitReady(Process p, String what) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"READY".equals(line)) {
      throw new IOException(what + " did not start: " + line);
    }
    return out;
  }

  /** Ends processes a test started: each is asked to stop, then killed if it has not within 5 s. */
  public static void stop(List<Process> processes) {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
