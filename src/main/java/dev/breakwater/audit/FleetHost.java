package dev.breakwater.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.breakwater.catalog.Severity;
import java.util.Optional;

/**
 * One host of a fleet audit: its audit, or the one-line error its snapshot gave. Field names are
 * the JSON contract of a fleet's {@code hosts[]}.
 *
 * @param snapshot the snapshot directory, absolute: two hosts may carry the same name
 * @param status {@code audited} or {@code bad-input}
 * @param worst the worst finding's severity label; {@code null} for bad input (nothing is known)
 * @param error the snapshot's one-line error; {@code null} when audited
 * @param report the one-host audit ({@link AuditReport}, the contract of a single snapshot); {@code null} for bad input
 */
public record FleetHost(String host, String snapshot, String status, String worst, String error, AuditReport report) {
  public static final String AUDITED = "audited";
  public static final String BAD_INPUT = "bad-input";

  public static FleetHost audited(String snapshot, AuditReport report) {
    return new FleetHost(report.host(), snapshot, AUDITED, report.worst().label(), null, report);
  }

  public static FleetHost badInput(String host, String snapshot, String error) {
    return new FleetHost(host, snapshot, BAD_INPUT, null, error, null);
  }

  /** The audit; empty when the snapshot was bad input. */
  @JsonIgnore
  public Optional<AuditReport> audit() {
    return Optional.ofNullable(report);
  }

  @JsonIgnore
  public boolean isBadInput() {
    return report == null;
  }

  /** The worst severity of an audited host; {@code INFO} when it has no finding. */
  @JsonIgnore
  Severity worstSeverity() {
    return audit().map(AuditReport::worst).orElse(Severity.INFO);
  }
}
