package dev.breakwater.cli;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.ExpectedOpen;
import dev.breakwater.audit.FleetHost;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.problem.InputProblem;
import dev.breakwater.snapshot.SnapshotContent;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Audits many snapshot directories at once, one task per snapshot on as many threads as the
 * machine has cores, with one JVM start for all of them. A snapshot that is bad input becomes
 * that host's one-line error; the others are still audited. A bug (anything but bad input) still
 * ends the run, as it does for one host.
 *
 * <p>Hosts of one role, deployed by one playbook, often hold the same snapshot but for their
 * name. Snapshots are keyed by their bytes ({@link SnapshotContent}: every file but
 * {@code hostname}), and equal ones are analysed once: the audit is a pure function of those
 * bytes, the host's name (only in {@link AuditReport#host()}) and where the snapshot lies. The
 * last enters only through file names in messages, so an audit that contains its directory's
 * path is never lent to another directory: those hosts are audited one by one. A snapshot that
 * cannot be keyed (a link, a special file) or was bad input is audited on its own, too.
 */
final class FleetRun {
  private FleetRun() {}

  /** The hosts in the order given, and how many snapshots were analysed (the rest reused an equal one's). */
  record Result(List<FleetHost> hosts, int analysed) {}

  /** Every host is judged against the same {@code --expect-open}. */
  static List<FleetHost> audit(List<Path> snapshots, ExpectedOpen expected) {
    return run(snapshots, expected).hosts();
  }

  static Result run(List<Path> snapshots, ExpectedOpen expected) {
    // One analysis per distinct content; its future holds the audit another host may reuse, or
    // empty when it may not (bad input, or the audit names its own directory).
    ConcurrentHashMap<SnapshotContent, CompletableFuture<Optional<FleetHost>>> analyses = new ConcurrentHashMap<>();
    AtomicInteger analysed = new AtomicInteger();
    // The common fork-join pool has one thread fewer than the machine has cores, and the calling
    // thread works too; the list keeps the order given. An exception that is not bad input (a bug)
    // is rethrown here, as it would be for one host.
    List<FleetHost> hosts = snapshots.parallelStream().map(s -> {
      Optional<SnapshotContent> content = SnapshotContent.of(s);
      if (content.isEmpty()) {
        analysed.incrementAndGet();
        return auditOne(s, expected);
      }
      CompletableFuture<Optional<FleetHost>> mine = new CompletableFuture<>();
      CompletableFuture<Optional<FleetHost>> first = analyses.putIfAbsent(content.get(), mine);
      if (first == null) {
        analysed.incrementAndGet();
        FleetHost host;
        try {
          host = auditOne(s, expected);
        } catch (RuntimeException | Error bug) {
          mine.complete(Optional.empty()); // the others audit themselves (and meet the same bug)
          throw bug;
        }
        mine.complete(host.isBadInput() || RecordStrings.anyContains(host.report(), s.toString())
            ? Optional.empty() : Optional.of(host));
        return host;
      }
      Optional<FleetHost> reusable = first.join();
      Optional<FleetHost> reused = reusable.flatMap(h -> lent(h, s));
      if (reused.isPresent()) {
        return reused.get();
      }
      analysed.incrementAndGet();
      return auditOne(s, expected);
    }).toList();
    return new Result(hosts, analysed.get());
  }

  /** An equal snapshot's audit under this host's name; empty when its hostname file is bad input (then the host audits itself). */
  private static Optional<FleetHost> lent(FleetHost audited, Path snapshot) {
    try {
      return Optional.of(FleetHost.audited(snapshot.toString(), audited.report().withHost(SnapshotDirectory.readHostname(snapshot))));
    } catch (RuntimeException e) {
      if (e instanceof InputProblem) {
        return Optional.empty();
      }
      throw e;
    }
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
