package dev.breakwater.audit;

import dev.breakwater.host.HostFacts;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.reach.PortExposure;
import dev.breakwater.reach.Reachability;
import java.util.ArrayList;
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
    List<PortReach> reaches = reaches(reachability);
    Set<String> notes = new LinkedHashSet<>(facts.notes());
    boolean snapshotSaysNoIpv6 = facts.notes().stream().anyMatch(n -> n.contains("ip6tables"));
    for (String note : reachability.notes()) {
      // The reader already said the IPv6 dump is missing, in the snapshot's own terms.
      if (!(snapshotSaysNoIpv6 && note.contains("ip6tables"))) {
        notes.add(note);
      }
    }
    return Auditor.audit(facts.hostname(), reaches, port -> ufwClaim(facts, port), List.copyOf(notes));
  }

  /** The engine's answers in the audit's terms. */
  public static List<PortReach> reaches(Reachability reachability) {
    List<PortReach> reaches = new ArrayList<>();
    for (PortExposure exposure : reachability.exposures()) {
      reaches.add(new PortReach(
          exposure.container(),
          exposure.port(),
          exposure.reachableFrom(),
          exposure.possiblyReachableFrom(),
          exposure.uncertainBecause(),
          exposure.decidedBy(),
          exposure.notes()));
    }
    return reaches;
  }

  static String ufwClaim(HostFacts facts, PublishedPort port) {
    return facts.ufw().map(ufw -> ufw.claimFor(port.hostPort(), port.protocol()).label()).orElse("none");
  }

}
