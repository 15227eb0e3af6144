package dev.breakwater.audit;

import dev.breakwater.host.HostFacts;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.reach.Reachability;
import dev.breakwater.reach.ReachNote;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One host, start to finish: the engine's answer for every published port, judged. Pure. */
public final class HostAudit {
  private HostAudit() {}

  public static AuditReport run(HostFacts facts) {
    return run(facts, Reachability.of(facts));
  }

  public static AuditReport run(HostFacts facts, Reachability reachability) {
    Set<String> notes = new LinkedHashSet<>(facts.notes());
    boolean snapshotSaysNoIpv6 = facts.notes().contains(SnapshotDirectory.NO_IP6TABLES_SAVE);
    for (ReachNote note : reachability.notes()) {
      // The reader already said the IPv6 dump is missing, in the snapshot's own terms.
      if (!(snapshotSaysNoIpv6 && note instanceof ReachNote.NoIp6tablesDump)) {
        notes.add(note.text());
      }
    }
    notes.addAll(SetupFindings.notes(facts));
    AuditReport ports = Auditor.audit(facts.hostname(), reachability.exposures(), port -> ufwClaim(facts, port), List.copyOf(notes));
    return new AuditReport(ports.host(), ports.exposures(), ports.notes(), SetupFindings.findings(facts));
  }

  static String ufwClaim(HostFacts facts, PublishedPort port) {
    return facts.ufw().map(ufw -> ufw.claimFor(port.hostPort(), port.protocol()).label()).orElse("none");
  }

}
