package dev.breakwater.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The audit as a person reads it: one line per exposure, worst first, then the why and the fix
 * of every finding that matters.
 */
public final class AuditText {
  private AuditText() {}

  public static String render(AuditReport report) {
    StringBuilder out = new StringBuilder();
    List<Exposure> exposures = report.exposures();
    out.append("Host ").append(report.host()).append(": ")
        .append(exposures.size()).append(exposures.size() == 1 ? " published port" : " published ports");
    long reachable = exposures.stream().filter(e -> !e.reachableFrom().isEmpty()).count();
    out.append(", ").append(reachable).append(" reachable from outside");
    if (!exposures.isEmpty()) {
      out.append(", worst: ").append(report.worst().label().toUpperCase(java.util.Locale.ROOT));
    }
    out.append('\n');
    if (exposures.isEmpty()) {
      out.append("No container publishes a port.\n");
    } else {
      out.append('\n');
      table(out, exposures);
      details(out, exposures);
    }
    if (!report.hostFindings().isEmpty()) {
      out.append("\nThe host's firewall:\n");
      report.hostFindings().forEach(f -> finding(out, f));
    }
    ListenerText.append(out, report);
    if (!report.notes().isEmpty()) {
      out.append("\nLimits of this answer:\n");
      for (String note : report.notes()) {
        out.append("  - ").append(note).append('\n');
      }
    }
    return out.toString();
  }

  private static void table(StringBuilder out, List<Exposure> exposures) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SEVERITY", "CONTAINER", "PUBLISHED", "TO", "REACHABLE FROM", "UFW", "FINDINGS"});
    for (Exposure e : exposures) {
      rows.add(new String[] {
        e.severity().label(),
        name(e),
        e.hostEndpoint(),
        Integer.toString(e.containerPort()),
        reach(e),
        e.ufwClaim(),
        String.join(", ", e.findings().stream().filter(f -> f.severity().compareTo(dev.breakwater.catalog.Severity.INFO) > 0)
            .map(ExposureFinding::id).toList())
      });
    }
    TextTable.append(out, "", rows);
  }

  private static String reach(Exposure e) {
    String certain = e.reachableFrom().isEmpty() ? "nobody" : summarise(e.reachableFrom());
    if (e.possiblyReachableFrom().isEmpty()) {
      return certain;
    }
    return certain + " (+possibly " + summarise(e.possiblyReachableFrom()) + ")";
  }

  static String summarise(List<String> cidrs) {
    List<String> shown = cidrs.stream().map(c -> c.endsWith("/0") ? "anywhere" : c).distinct().toList();
    return shown.size() <= 2 ? String.join(", ", shown) : shown.get(0) + ", " + shown.get(1) + " +" + (shown.size() - 2);
  }

  private static void details(StringBuilder out, List<Exposure> exposures) {
    boolean header = false;
    for (Exposure e : exposures) {
      List<ExposureFinding> shown = e.findings().stream()
          .filter(f -> f.severity().compareTo(dev.breakwater.catalog.Severity.INFO) > 0).toList();
      if (shown.isEmpty() && e.notes().isEmpty()) {
        continue;
      }
      if (!header) {
        out.append("\nWhy, and what to do:\n");
        header = true;
      }
      out.append("\n").append(name(e)).append(" (").append(e.image()).append(") ")
          .append(e.hostEndpoint()).append(" -> ").append(e.containerPort()).append('\n');
      shown.forEach(f -> finding(out, f));
      for (String note : e.notes()) {
        out.append("  note: ").append(note).append('\n');
      }
    }
  }

  private static void finding(StringBuilder out, ExposureFinding f) {
    out.append("  ").append(f.severity().label()).append(' ').append(f.id()).append(": ").append(f.message()).append('\n');
    out.append("    fix: ").append(f.fix()).append('\n');
  }

  /** The container's name, with its engine when that is not Docker: {@code web (podman)}. */
  private static String name(Exposure e) {
    return e.runtime().equals("docker") ? e.container() : e.container() + " (" + e.runtime() + ")";
  }
}
