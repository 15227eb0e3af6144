package dev.breakwater.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.breakwater.catalog.Severity;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The audit of one host: every published port, worst first.
 *
 * @param notes limits of this analysis the user must know (unanalysed nft tables, no IPv6 dump),
 *     and facts of the firewall's setup that change what its rules mean
 * @param hostFindings what is wrong with the host's firewall as a whole, not one port
 *     (UFW's DEFAULT_FORWARD_POLICY=ACCEPT), worst first
 */
public record AuditReport(String host, List<Exposure> exposures, List<String> notes, List<ExposureFinding> hostFindings) {
  public AuditReport {
    exposures = List.copyOf(exposures);
    notes = List.copyOf(notes);
    hostFindings = List.copyOf(hostFindings);
  }

  /** A report with no host-wide finding. */
  public AuditReport(String host, List<Exposure> exposures, List<String> notes) {
    this(host, exposures, notes, List.of());
  }

  @JsonIgnore
  public Severity worst() {
    return Stream.concat(exposures.stream().map(Exposure::severity), hostFindings.stream().map(ExposureFinding::severity))
        .max(Comparator.naturalOrder()).orElse(Severity.INFO);
  }

  /** True when some finding, of a port or of the host, is at or above {@code threshold}: the exit code is then 1. */
  public boolean failsAt(Severity threshold) {
    return Stream.concat(exposures.stream().flatMap(e -> e.findings().stream()), hostFindings.stream())
        .anyMatch(f -> f.severity().atLeast(threshold));
  }
}
