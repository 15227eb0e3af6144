package dev.breakwater.probe;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders a probe run for a person: per host its open ports, what answered, and the fix. */
public final class ProbeTextReport {
  private ProbeTextReport() {}

  public static void render(ProbeReport report, Optional<PredictionCheck> check, PrintWriter out) {
    // The anonymous check's finding first, then what a --login showed on the same port.
    Map<Endpoint, List<ServiceFinding>> findings = new LinkedHashMap<>();
    for (ServiceFinding f : report.findings()) {
      findings.computeIfAbsent(f.endpoint(), e -> new ArrayList<>()).add(f);
    }
    Map<InetAddress, List<PortResult>> openByHost = new LinkedHashMap<>();
    for (InetAddress h : report.hosts()) {
      openByHost.put(h, new ArrayList<>());
    }
    for (PortResult r : report.open()) {
      openByHost.get(r.endpoint().address()).add(r);
    }
    for (Map.Entry<InetAddress, List<PortResult>> e : openByHost.entrySet()) {
      List<PortResult> open = e.getValue();
      if (open.isEmpty() && report.hosts().size() > 1) {
        continue;
      }
      out.println(Endpoint.hostText(e.getKey()) + (open.isEmpty() ? ": no open port among those probed" : ""));
      open.sort(Comparator.comparingInt(r -> r.endpoint().port()));
      for (PortResult r : open) {
        List<ServiceFinding> here = findings.getOrDefault(r.endpoint(), List.of());
        if (here.isEmpty()) {
          out.printf("  %5d/tcp  open%n", r.endpoint().port());
          continue;
        }
        for (int i = 0; i < here.size(); i++) {
          ServiceFinding f = here.get(i);
          String label = f.access() == Access.LOGGED_IN ? "logged in:" : "";
          if (i == 0) {
            out.printf("  %5d/tcp  open  %-13s %-8s  %s%s%n", r.endpoint().port(), f.service(),
                f.severity().name(), label.isEmpty() ? "" : label + " ", f.summary());
          } else {
            out.printf("  %5s      %4s  %-13s %-8s  %s%s%n", "", "", "", f.severity().name(),
                label.isEmpty() ? "" : label + " ", f.summary());
          }
          if (!f.fix().isEmpty()) {
            out.printf("  %5s      %4s  %-13s %-8s  fix: %s%n", "", "", "", "", f.fix());
          }
        }
      }
    }
    check.ifPresent(p -> {
      ExpectationComparison c = p.comparison();
      out.println();
      String from = String.join(", ", p.vantages().stream().map(Endpoint::hostText).toList());
      if (c.disagreements().isEmpty()) {
        out.println("Every predicted port agrees with the snapshot's prediction for " + from + ".");
      } else {
        out.println(c.disagreements().size() + " disagreement(s) with the snapshot's prediction for " + from + ":");
        for (Disagreement d : c.disagreements()) {
          out.println("  " + d.explanation());
        }
      }
      for (Endpoint e : c.unpredictedOpen()) {
        out.println("  note: " + e + " answered; the snapshot predicts nothing for it (not a published container port)");
      }
      for (String u : p.notes()) {
        out.println("  note: " + u);
      }
      if (!c.unchecked().isEmpty()) {
        out.println("  (" + c.unchecked().size() + " prediction(s) not tested: not TCP, or not among the probed addresses)");
      }
    });
    out.println();
    out.printf(Locale.ROOT, "Probed %d port(s) on %d host(s) in %.1f s: %d open, %d closed, %d filtered.%n",
        report.portsPerHost(), report.hosts().size(), report.elapsed().toMillis() / 1000.0,
        report.count(PortState.OPEN), report.count(PortState.CLOSED), report.count(PortState.FILTERED));
    long strangers = report.findings().stream().filter(f -> f.access().strangerGetsIn()).count();
    if (strangers > 0) {
      out.println(strangers + " service(s) let a stranger in: fix them first.");
    }
  }
}
