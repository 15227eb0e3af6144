package dev.breakwater.bench;

import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.reach.PortReach;
import dev.breakwater.reach.Reachability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Prints how long the reachability analysis takes ({@code Reachability.of(facts).exposures()},
 * reading and parsing excluded) on {@link SnapshotGenerator} snapshots: 2k, 20k and 200k rules
 * with 2,000 published ports, and 20k rules with 200. Each size runs a few times in one JVM; the
 * first run (cold: class loading, JIT) and the best are printed, as wall time and as the CPU time
 * of the analysing thread (JIT threads excluded; on a shared machine wall time mostly measures the
 * other processes).
 *
 * <p>Usage: {@code java -cp target/test-classes:target/classes:... dev.breakwater.bench.ReachabilityBench [RUNS [RULES PORTS]]};
 * {@code bench/reach.sh} builds and runs it.
 */
public final class ReachabilityBench {
  private ReachabilityBench() {}

  public static void main(String[] args) throws IOException {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int[][] sizes = args.length > 2
        ? new int[][] {{Integer.parseInt(args[1]), Integer.parseInt(args[2])}}
        : new int[][] {{2_000, 2_000}, {20_000, 2_000}, {200_000, 2_000}, {20_000, 200}};
    Path root = Files.createTempDirectory("bw-reach-bench");
    try {
      java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
      System.out.printf("%-26s %9s %9s %9s %9s %9s %10s%n",
          "snapshot", "cold ms", "cold cpu", "best ms", "best cpu", "parse ms", "reachable");
      for (int[] size : sizes) {
        Path dir = root.resolve("r" + size[0] + "-p" + size[1]);
        SnapshotGenerator.write(dir, size[0], size[1], 42);
        long t0 = System.nanoTime();
        HostFacts facts = SnapshotDirectory.read(dir);
        long parse = System.nanoTime() - t0;
        long cold = -1;
        long coldCpu = -1;
        long best = Long.MAX_VALUE;
        long bestCpu = Long.MAX_VALUE;
        int reachable = 0;
        for (int run = 0; run < runs; run++) {
          long start = System.nanoTime();
          long startCpu = cpu.getCurrentThreadCpuTime();
          List<PortReach> exposures = Reachability.of(facts).exposures();
          long took = System.nanoTime() - start;
          long tookCpu = cpu.getCurrentThreadCpuTime() - startCpu;
          cold = cold < 0 ? took : cold;
          coldCpu = coldCpu < 0 ? tookCpu : coldCpu;
          best = Math.min(best, took);
          bestCpu = Math.min(bestCpu, tookCpu);
          reachable = (int) exposures.stream().filter(e -> !e.reachableFrom().isEmpty()).count();
        }
        System.out.printf("%-26s %9.1f %9.1f %9.1f %9.1f %9.1f %10d%n", size[0] + " rules, " + size[1] + " ports",
            cold / 1e6, coldCpu / 1e6, best / 1e6, bestCpu / 1e6, parse / 1e6, reachable);
      }
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.println("goal: 20000 rules, 2000 ports: analysis well under 1000 ms");
  }
}
