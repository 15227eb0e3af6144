package dev.breakwater.cli;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.FleetHost;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.gather.Facts;
import dev.breakwater.problem.InputProblem;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Audits many snapshot directories at once, one task per snapshot on a pool as large as the
 * machine has cores: each audit is pure and independent, so the fleet takes about (hosts / cores)
 * times one host's analysis, with one JVM start for all of them. A snapshot that is bad input
 * becomes that host's one-line error; the others are still audited. A bug (anything but bad
 * input) still ends the run, as it does for one host.
 */
final class FleetRun {
  private FleetRun() {}

  static List<FleetHost> audit(List<Path> snapshots) {
    int threads = Math.max(1, Math.min(snapshots.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name("audit-", 0).factory());
    try {
      List<Future<FleetHost>> running = new ArrayList<>();
      for (Path snapshot : snapshots) {
        running.add(pool.submit(() -> auditOne(snapshot)));
      }
      List<FleetHost> hosts = new ArrayList<>(running.size());
      for (Future<FleetHost> host : running) {
        hosts.add(joined(host));
      }
      return hosts;
    } finally {
      pool.shutdownNow();
    }
  }

  static FleetHost auditOne(Path snapshot) {
    try {
      AuditReport report = HostAudit.run(Facts.fromSnapshot(snapshot));
      return FleetHost.audited(snapshot.toString(), report);
    } catch (RuntimeException e) {
      if (e instanceof InputProblem problem) {
        return FleetHost.badInput(SnapshotDirectory.hostname(snapshot), snapshot.toString(), problem.getMessage());
      }
      throw e;
    }
  }

  private static FleetHost joined(Future<FleetHost> host) {
    try {
      return host.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while auditing the fleet", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
