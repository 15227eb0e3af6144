package dev.breakwater.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.breakwater.catalog.Severity;
import java.util.Comparator;
import java.util.List;

/**
 * The audit of one host: every published port, worst first.
 *
 * @param notes limits of this analysis the user must know (unanalysed nft tables, no IPv6 dump)
 */
public record AuditReport(String host, List<Exposure> exposures, List<String> notes) {
  public AuditReport {
    exposures = List.copyOf(exposures);
    notes = List.copyOf(notes);
  }

  @JsonIgnore
  public Severity worst() {
    return exposures.stream().map(Exposure::severity).max(Comparator.naturalOrder()).orElse(Severity.INFO);
  }

  /** True when some finding is at or above {@code threshold}: the exit code is then 1. */
  public boolean failsAt(Severity threshold) {
    return exposures.stream().flatMap(e -> e.findings().stream()).anyMatch(f -> f.severity().atLeast(threshold));
  }
}
