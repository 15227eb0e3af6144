package dev.breakwater.audit;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.List;

/** The host's own sockets in the audit's text: a table, then the why and the fix of each finding. */
final class ListenerText {
  private ListenerText() {}

  static void append(StringBuilder out, AuditReport report) {
    List<ListenerExposure> listeners = report.hostListeners();
    if (!listeners.isEmpty()) {
      long reachable = listeners.stream().filter(l -> !l.reachableFrom().isEmpty()).count();
      out.append("\nHost listeners (ss -Htulnp, not in containers): ").append(listeners.size())
          .append(listeners.size() == 1 ? " socket, " : " sockets, ").append(reachable).append(" reachable from outside\n\n");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"SEVERITY", "PROCESS", "LISTENING", "REACHABLE FROM", "UFW", "FINDINGS"});
      for (ListenerExposure l : listeners) {
        rows.add(new String[] {
          l.severity().label(),
          l.process().isEmpty() ? "?" : l.process(),
          l.endpoint(),
          (l.reachableFrom().isEmpty() ? "nobody" : AuditText.summarise(l.reachableFrom()))
              + (l.possiblyReachableFrom().isEmpty() ? "" : " (+possibly " + AuditText.summarise(l.possiblyReachableFrom()) + ")")
              + (l.expected() ? " (expected)" : ""),
          l.ufwClaim(),
          String.join(", ", shown(l).stream().map(ExposureFinding::id).toList())
        });
      }
      TextTable.append(out, "", rows);
      boolean header = false;
      for (ListenerExposure l : listeners) {
        if (shown(l).isEmpty()) {
          continue;
        }
        if (!header) {
          out.append("\nHost listeners, why and what to do:\n");
          header = true;
        }
        out.append('\n').append(l.process().isEmpty() ? "?" : l.process()).append(' ').append(l.endpoint()).append('\n');
        for (ExposureFinding f : shown(l)) {
          out.append("  ").append(f.severity().label()).append(' ').append(f.id()).append(": ").append(f.message()).append('\n');
          out.append("    fix: ").append(f.fix()).append('\n');
        }
        for (String note : l.notes()) {
          out.append("  note: ").append(note).append('\n');
        }
      }
    }
    if (!report.expectedNotReachable().isEmpty()) {
      out.append("\nExpected open (--expect-open) but reachable from nowhere outside: ")
          .append(String.join(", ", report.expectedNotReachable()))
          .append(" (nothing listens there, or the firewall drops it)\n");
    }
  }

  private static List<ExposureFinding> shown(ListenerExposure l) {
    return l.findings().stream().filter(f -> f.severity().compareTo(Severity.INFO) > 0).toList();
  }
}
