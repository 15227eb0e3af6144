package dev.breakwater.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/** The probe run as JSON: stable field names, open ports only (counts for the rest). */
public final class ProbeJsonReport {
  private ProbeJsonReport() {}

  /** The JSON contract of {@code probe --format json}; {@code cli} writes it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ProbeJson(List<String> hosts, int portsPerHost, long elapsedMillis, Counts counts,
      List<OpenPort> open, List<Finding> findings, Expectations expectations) {}

  record Expectations(List<String> vantages, List<Mismatch> disagreements, List<String> unpredictedOpen,
      List<String> notes, int unchecked) {}

  record Counts(long open, long closed, long filtered) {}

  record OpenPort(String address, int port, String protocol) {}

  record Finding(String address, int port, String service, String access, String severity,
      String version, String summary, String fix) {}

  record Mismatch(String address, int port, String kind, String explanation) {}

  public static ProbeJson of(ProbeReport report, Optional<PredictionCheck> check) {
    ProbeJson json = new ProbeJson(
        report.hosts().stream().map(Endpoint::hostText).toList(),
        report.portsPerHost(),
        report.elapsed().toMillis(),
        new Counts(report.count(PortState.OPEN), report.count(PortState.CLOSED), report.count(PortState.FILTERED)),
        report.open().stream().map(r -> new OpenPort(Endpoint.hostText(r.endpoint().address()), r.endpoint().port(), "tcp")).toList(),
        report.findings().stream().map(f -> new Finding(Endpoint.hostText(f.endpoint().address()), f.endpoint().port(),
            f.service(), f.access().label(), f.severity().label(), f.version(), f.summary(), f.fix())).toList(),
        check.map(ProbeJsonReport::expectations).orElse(null));
    return json;
  }

  private static Expectations expectations(PredictionCheck p) {
    ExpectationComparison c = p.comparison();
    return new Expectations(p.vantages().stream().map(Endpoint::hostText).toList(),
        c.disagreements().stream().map(ProbeJsonReport::mismatch).toList(),
        c.unpredictedOpen().stream().map(Endpoint::toString).toList(), p.notes(), c.unchecked().size());
  }

  private static Mismatch mismatch(Disagreement d) {
    String kind = switch (d) {
      case Disagreement.OpenAgainstPrediction o -> "open-against-prediction";
      case Disagreement.ClosedAgainstPrediction c -> "closed-against-prediction";
    };
    return new Mismatch(Endpoint.hostText(d.endpoint().address()), d.endpoint().port(), kind, d.explanation());
  }
}
