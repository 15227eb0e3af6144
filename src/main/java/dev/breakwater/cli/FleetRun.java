package dev.breakwater.cli;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.ExpectedOpen;
import dev.breakwater.audit.FleetHost;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.problem.InputProblem;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.nio.file.Path;
import java.util.List;

/**
 * Audits many snapshot directories at once, one task per snapshot on as many threads as the
 * machine has cores: each audit is pure and independent, so the fleet takes about (hosts / cores)
 * times one host's analysis, with one JVM start for all of them. A snapshot that is bad input
 * becomes that host's one-line error; the others are still audited. A bug (anything but bad
 * input) still ends the run, as it does for one host.
 */
final class FleetRun {
  private FleetRun() {}

  /** Every host is judged against the same {@code --expect-open}. */
  static List<FleetHost> audit(List<Path> snapshots, ExpectedOpen expected) {
    // The common fork-join pool has one thread fewer than the machine has cores, and the calling
    // thread works too; the list keeps the order given. An exception that is not bad input (a bug)
    // is rethrown here, as it would be for one host.
    return snapshots.parallelStream().map(s -> auditOne(s, expected)).toList();
  }

  static FleetHost auditOne(Path snapshot, ExpectedOpen expected) {
    try {
      AuditReport report = HostAudit.run(SnapshotDirectory.readOnThisThread(snapshot), expected);
      return FleetHost.audited(snapshot.toString(), report);
    } catch (RuntimeException e) {
      if (e instanceof InputProblem problem) {
        return FleetHost.badInput(SnapshotDirectory.hostname(snapshot), snapshot.toString(), problem.getMessage());
      }
      throw e;
    }
  }
}
