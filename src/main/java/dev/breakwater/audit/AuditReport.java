package dev.breakwater.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.breakwater.catalog.Severity;
import java.util.Comparator;
import java.util.List;

/**
 * The audit of one host: every published port, worst first, then the host's own listening
 * sockets, worst first.
 *
 * @param notes limits of this analysis the user must know (unanalysed nft tables, no IPv6 dump)
 * @param hostListeners the host's sockets from {@code ss -Htulnp}, docker-proxy's left out (they
 *     are the published ports above); empty when the snapshot has none
 * @param expectedNotReachable the {@code --expect-open} ports ({@code 443/tcp}) that no source
 *     outside the host reaches, on any published port or host socket
 */
public record AuditReport(
    String host, List<Exposure> exposures, List<String> notes, List<ListenerExposure> hostListeners,
    List<String> expectedNotReachable) {
  public AuditReport {
    exposures = List.copyOf(exposures);
    notes = List.copyOf(notes);
    hostListeners = List.copyOf(hostListeners);
    expectedNotReachable = List.copyOf(expectedNotReachable);
  }

  /** Published ports only: the host's sockets were not audited. */
  public AuditReport(String host, List<Exposure> exposures, List<String> notes) {
    this(host, exposures, notes, List.of(), List.of());
  }

  @JsonIgnore
  public Severity worst() {
    return allFindings().map(ExposureFinding::severity).max(Comparator.naturalOrder()).orElse(Severity.INFO);
  }

  /** True when some finding is at or above {@code threshold}: the exit code is then 1. */
  public boolean failsAt(Severity threshold) {
    return allFindings().anyMatch(f -> f.severity().atLeast(threshold));
  }

  private java.util.stream.Stream<ExposureFinding> allFindings() {
    return java.util.stream.Stream.concat(
        exposures.stream().flatMap(e -> e.findings().stream()),
        hostListeners.stream().flatMap(l -> l.findings().stream()));
  }
}
