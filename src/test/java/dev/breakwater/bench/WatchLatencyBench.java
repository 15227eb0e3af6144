package dev.breakwater.bench;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.lab.Lab;
import dev.breakwater.lab.Scenario;
import dev.breakwater.watch.LabWatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long after a container's start event its allow is in force, measured in the lab: watch
 * runs in this JVM against the lab's dockerd and firewall; containers with a
 * {@code breakwater.allow} label are started one after the other, and each one's latency is what
 * watch's {@code drift-corrected} line reports: from the event's own timestamp (dockerd's
 * {@code timeNano}) to the new chain verified in iptables-save. Prints percentiles; the goal is
 * p99 <= 100 ms. Needs root. Run with bench/watch-latency.sh [starts] [warm-up].
 */
public final class WatchLatencyBench {
  private WatchLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int starts = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Lab lab = Lab.standard(line -> System.err.println("lab: " + line));
    Path state = Files.createTempDirectory("bww-bench-state");
    lab.up(Scenario.seedIncident());
    List<Long> latencies = new ArrayList<>();
    List<Long> applies = new ArrayList<>();
    List<Long> reads = new ArrayList<>();
    List<Long> reachable = new ArrayList<>();
    int never = 0;
    int coalesced = 0;
    Process prober = null;
    try (LabWatch watch = new LabWatch(lab, state, Duration.ofMinutes(30), false)) {
      // The allowed attacker connects to each new port again and again from before the start
      // until it gets in: when the container really became reachable, independent of watch's log.
      prober = new ProcessBuilder(CommandRunner.inNetns(Lab.ATTACKER_NS).command(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
          "-cp", System.getProperty("java.class.path"), "dev.breakwater.watch.FirstReach"))).redirectErrorStream(true).start();
      var proberOut = new java.io.BufferedReader(new java.io.InputStreamReader(prober.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      var proberIn = new java.io.PrintWriter(prober.getOutputStream(), true);
      if (!"ready".equals(proberOut.readLine())) {
        throw new IllegalStateException("the prober did not start");
      }
      watch.awaitLine(0, l -> l.contains("cause=startup"), Duration.ofSeconds(60))
          .orElseThrow(() -> new IllegalStateException("watch did not apply at start-up: " + watch.lines()));
      for (int i = 0; i < warmUp + starts; i++) {
        String name = "bench-" + i;
        int port = 20000 + i;
        int mark = watch.lines().size();
        proberIn.println(Lab.ATTACKER_ADDRESSES.getFirst() + " " + Lab.HOST_ADDRESS + " " + port);
        CommandRunner.Result run = LabWatch.docker(lab, "run", "-d", "--name", name, "-p", port + ":80",
            "--label", "breakwater.allow=" + Lab.ATTACKER_ADDRESSES.getFirst() + "/32", Lab.IMAGE, "httpd", "-f", "-p", "80", "-h", "/");
        if (!run.ok()) {
          throw new IllegalStateException("docker run " + name + " failed: " + run.stderr());
        }
        String line = watch.awaitLine(mark, l -> l.contains("event=drift-corrected") && l.matches(".*container=([^ ]*,)?" + name + "(,[^ ]*)?( .*|$)"),
                Duration.ofSeconds(30))
            .orElseThrow(() -> new IllegalStateException("no correction for " + name + ": " + watch.lines()));
        String[] reached = proberOut.readLine().split(" ");
        if (i < warmUp) {
          continue;
        }
        if (reached[1].equals("never")) {
          never++;
        } else {
          // The start event's time: the line's ts minus its latency (dockerd's timeNano, to the ms).
          java.time.Instant event = java.time.Instant.parse(LabWatch.field(line, "ts").orElseThrow())
              .minusMillis(Long.parseLong(LabWatch.field(line, "latency_ms").orElseThrow()));
          long eventNanos = event.getEpochSecond() * 1_000_000_000L + event.getNano();
          reachable.add((Long.parseLong(reached[1]) - eventNanos) / 1_000_000L);
        }
        latencies.add(Long.parseLong(LabWatch.field(line, "latency_ms").orElseThrow()));
        applies.add(Long.parseLong(LabWatch.field(line, "apply_ms").orElseThrow()));
        reads.add(Long.parseLong(LabWatch.field(line, "read_ms").orElseThrow()));
        if (line.contains("events=")) {
          coalesced++;
        }
      }
    } finally {
      if (prober != null) {
        prober.destroyForcibly();
      }
      lab.down();
      try (var files = Files.walk(state)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    System.out.printf(Locale.ROOT, "watch latency, container start event -> allow verified in iptables-save, %d starts (after %d warm-up)%n",
        latencies.size(), warmUp);
    System.out.printf(Locale.ROOT, "  latency_ms  p50 %d  p90 %d  p99 %d  max %d%n",
        percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99), percentile(latencies, 100));
    System.out.printf(Locale.ROOT, "  apply_ms    p50 %d  p90 %d  p99 %d  max %d   (check start -> verified: read, compile, apply)%n",
        percentile(applies, 50), percentile(applies, 90), percentile(applies, 99), percentile(applies, 100));
    System.out.printf(Locale.ROOT, "  read_ms     p50 %d  p90 %d  p99 %d  max %d   (check start -> containers and rules read)%n",
        percentile(reads, 50), percentile(reads, 90), percentile(reads, 99), percentile(reads, 100));
    System.out.printf(Locale.ROOT, "  corrections that also answered an earlier event (network connect): %d of %d%n", coalesced, latencies.size());
    System.out.printf(Locale.ROOT, "  reachable_ms p50 %d  p90 %d  p99 %d  max %d   (start event -> first connection from the allowed address; %d never)%n",
        percentile(reachable, 50), percentile(reachable, 90), percentile(reachable, 99), percentile(reachable, 100), never);
    System.out.printf(Locale.ROOT, "  goal p99 <= 100 ms: reachable %s; apply verified %s%n",
        never == 0 && percentile(reachable, 99) <= 100 ? "met" : "NOT met", percentile(latencies, 99) <= 100 ? "met" : "NOT met");
  }

  /** Nearest-rank percentile. */
  static long percentile(List<Long> values, int p) {
    List<Long> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
