package dev.breakwater.audit;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A fleet's audit as a person reads it: the counts, the exposures many hosts share (worst first),
 * the host sockets (ss -Htulnp) with findings the same way, the hosts that could not be audited,
 * then one line per host, worst first. A host's own details
 * are one {@code breakwater audit --from SNAPSHOT} away; the line names the snapshot.
 */
public final class FleetText {
  /** Shared exposures shown in text; the JSON has them all. */
  static final int SHARED_SHOWN = 20;
  private static final int HOSTS_NAMED = 3;

  private FleetText() {}

  public static String render(FleetReport fleet) {
    StringBuilder out = new StringBuilder();
    out.append("Fleet of ").append(fleet.hostCount()).append(fleet.hostCount() == 1 ? " host" : " hosts")
        .append(": ").append(fleet.audited()).append(" audited");
    if (fleet.badInput() > 0) {
      out.append(", ").append(fleet.badInput()).append(" bad input");
    }
    if (fleet.audited() > 0) {
      out.append(", worst: ").append(fleet.worst().label().toUpperCase(Locale.ROOT));
    }
    out.append('\n');
    if (fleet.audited() > 0) {
      out.append("Hosts by worst finding: ").append(byWorst(fleet)).append('\n');
    }
    shared(out, fleet);
    sharedListeners(out, fleet);
    badInput(out, fleet);
    hosts(out, fleet);
    return out.toString();
  }

  private static String byWorst(FleetReport fleet) {
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    for (FleetHost h : fleet.hosts()) {
      if (!h.isBadInput()) {
        counts.merge(h.worstSeverity(), 1, Integer::sum);
      }
    }
    List<String> parts = new ArrayList<>();
    for (Severity s : List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)) {
      if (counts.containsKey(s)) {
        parts.add(s.label() + " " + counts.get(s));
      }
    }
    return String.join(", ", parts);
  }

  private static void shared(StringBuilder out, FleetReport fleet) {
    if (fleet.shared().isEmpty()) {
      if (fleet.audited() > 0) {
        out.append("\nNo published port has a finding above info on any host.\n");
      }
      return;
    }
    out.append("\nAcross the fleet, worst first:\n");
    groups(out, fleet.shared(), ".shared[]");
  }

  /** The host's own sockets with a finding (ss-listening.txt); said only when some host has one. */
  private static void sharedListeners(StringBuilder out, FleetReport fleet) {
    if (fleet.sharedListeners().isEmpty()) {
      return;
    }
    out.append("\nHost listeners across the fleet (ss -Htulnp, not in containers), worst first:\n");
    groups(out, fleet.sharedListeners(), ".sharedListeners[]");
  }

  private static void groups(StringBuilder out, List<SharedExposure> all, String jsonPath) {
    List<SharedExposure> shown = all.subList(0, Math.min(SHARED_SHOWN, all.size()));
    int width = shown.stream().mapToInt(s -> s.severity().label().length()).max().orElse(0);
    for (SharedExposure s : shown) {
      String label = s.severity().label();
      out.append("  ").append(label).append(" ".repeat(width - label.length() + 2)).append(s.sentence())
          .append(": ").append(named(s.hosts())).append('\n');
      out.append("  ").append(" ".repeat(width + 2)).append(String.join(", ", s.findings())).append('\n');
    }
    if (all.size() > shown.size()) {
      out.append("  ... and ").append(all.size() - shown.size())
          .append(" more (all of them: --format json, ").append(jsonPath).append(")\n");
    }
  }

  /** The first few hosts by name; a name that several snapshots carry once, with their number. */
  static String named(List<String> hosts) {
    Map<String, Integer> names = new LinkedHashMap<>();
    hosts.forEach(h -> names.merge(h, 1, Integer::sum));
    List<String> shown = new ArrayList<>();
    names.forEach((name, n) -> shown.add(n == 1 ? name : name + " (x" + n + ")"));
    if (shown.size() <= HOSTS_NAMED + 1) {
      return String.join(", ", shown);
    }
    return String.join(", ", shown.subList(0, HOSTS_NAMED)) + " +" + (shown.size() - HOSTS_NAMED);
  }

  private static void badInput(StringBuilder out, FleetReport fleet) {
    if (fleet.badInput() == 0) {
      return;
    }
    out.append("\nNot audited (bad input; fix the snapshot and run again):\n");
    for (FleetHost h : fleet.hosts()) {
      if (h.isBadInput()) {
        out.append("  ").append(h.host()).append(": ").append(h.error()).append('\n');
      }
    }
  }

  private static void hosts(StringBuilder out, FleetReport fleet) {
    if (fleet.audited() == 0) {
      return;
    }
    out.append("\nHosts, worst first (details: breakwater audit --from SNAPSHOT):\n");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"WORST", "HOST", "PORTS", "REACHABLE", "LISTENERS", "FINDINGS", "SNAPSHOT"});
    for (FleetHost h : fleet.hosts()) {
      if (h.isBadInput()) {
        continue;
      }
      AuditReport r = h.report();
      Set<String> ids = new LinkedHashSet<>();
      r.findingsAboveInfo().forEach(f -> ids.add(f.id()));
      long reachable = r.exposures().stream().filter(e -> !e.reachableFrom().isEmpty()).count();
      rows.add(new String[] {
        h.worst(), h.host(), Integer.toString(r.exposures().size()), Long.toString(reachable), listeners(r),
        ids.isEmpty() ? "-" : String.join(", ", ids), h.snapshot()
      });
    }
    TextTable.append(out, "  ", rows);
  }

  /** "3/7": host sockets reachable from outside of those ss listed; "-" when the snapshot has no ss-listening.txt. */
  private static String listeners(AuditReport r) {
    if (r.hostListeners().isEmpty()) {
      return "-";
    }
    return r.hostListeners().stream().filter(l -> !l.reachableFrom().isEmpty()).count() + "/" + r.hostListeners().size();
  }
}
