package dev.breakwater.reach.oracle;

import dev.breakwater.system.TestNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Talks to one {@link ConnectionProbe} process in a namespace: a batch out, its outcomes back. */
public final class ProbeProcess implements AutoCloseable {
  private final String namespace;
  private final PrintStream in;
  private final BufferedReader out;
  /** The process when this object started it, and so must end it. */
  private final Optional<Process> owned;

  ProbeProcess(String namespace, Process process) throws IOException {
    this(namespace, process, Optional.empty());
  }

  private ProbeProcess(String namespace, Process process, Optional<Process> owned) throws IOException {
    this.namespace = namespace;
    this.owned = owned;
    this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.out = TestJvm.awaitReady(process, "the probe in " + namespace);
  }

  /**
   * A probe in {@code ns} whose TCP attempts give up after {@code timeoutMillis}; {@link #close()}
   * ends it.
   */
  public static ProbeProcess start(TestNamespace ns, int timeoutMillis) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(ns.command(TestJvm.command(ConnectionProbe.class, String.valueOf(timeoutMillis))));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    try {
      return new ProbeProcess(ns.name, p, Optional.of(p));
    } catch (IOException | RuntimeException e) {
      TestJvm.stop(List.of(p));
      throw e;
    }
  }

  /** One TCP attempt, alone in its batch; an attempt the probe could not make is an IOException. */
  public KernelOutcome attempt(String source, int sourcePort, String destination, int destinationPort) throws IOException {
    send(Map.of(0, new ProbeCase(source, sourcePort, destination, destinationPort, "")));
    String[] result = receive().get(0);
    KernelOutcome outcome = KernelOutcome.valueOf(result[0]);
    if (outcome.isHarnessFault()) {
      throw new IOException("the probe in " + namespace + " could not try " + source + ":" + sourcePort + " -> "
          + destination + ":" + destinationPort + ": " + result[1]);
    }
    return outcome;
  }

  /** Starts a batch; the probe makes every attempt at once. */
  void send(Map<Integer, ProbeCase> batch) {
    for (var e : batch.entrySet()) {
      ProbeCase c = e.getValue();
      in.println(e.getKey() + " " + c.source() + " " + c.sourcePort() + " " + c.destination() + " " + c.destinationPort()
          + " " + c.protocol());
    }
    in.println();
  }

  /** The outcomes of the batch sent: id -> {outcome, detail or ""}. */
  Map<Integer, String[]> receive() throws IOException {
    Map<Integer, String[]> results = new HashMap<>();
    for (String line = out.readLine(); !"END".equals(line); line = out.readLine()) {
      if (line == null) {
        throw new IOException("the probe in " + namespace + " ended unexpectedly");
      }
      String[] f = line.split(" ", 3);
      results.put(Integer.parseInt(f[0]), new String[] {f[1], f.length > 2 ? f[2] : ""});
    }
    return results;
  }

  /** Ends the batch stream, which ends the probe; one this object started is also waited for (killed after 5 s). */
  @Override
  public void close() {
    in.close();
    owned.ifPresent(p -> TestJvm.stop(List.of(p)));
  }
}
