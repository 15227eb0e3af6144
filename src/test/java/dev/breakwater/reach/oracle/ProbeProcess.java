package dev.breakwater.reach.oracle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Talks to one {@link ConnectionProbe} process in a namespace: a batch out, its outcomes back. */
final class ProbeProcess {
  private final String namespace;
  private final PrintStream in;
  private final BufferedReader out;

  ProbeProcess(String namespace, Process process) throws IOException {
    this.namespace = namespace;
    this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String ready = out.readLine();
    if (!"READY".equals(ready)) {
      throw new IOException("the probe in " + namespace + " did not start: " + ready);
    }
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

  void close() {
    in.close();
  }
}
