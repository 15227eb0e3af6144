package dev.breakwater.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.breakwater.catalog.Severity;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The audit of one host: every published port, worst first, then the host's own listening
 * sockets, worst first.
 *
 * @param notes limits of this analysis the user must know (unanalysed nft tables, no IPv6 dump),
 *     and facts of the firewall's setup that change what its rules mean
 * @param hostFindings what is wrong with the host's firewall as a whole, not one port
 *     (UFW's DEFAULT_FORWARD_POLICY=ACCEPT), worst first
 * @param hostListeners the host's sockets from {@code ss -Htulnp}, docker-proxy's left out (they
 *     are the published ports above); empty when the snapshot has none
 * @param expectedNotReachable the {@code --expect-open} ports ({@code 443/tcp}) that no source
 *     outside the host reaches, on any published port or host socket
 */
public record AuditReport(
    String host, List<Exposure> exposures, List<String> notes, List<ExposureFinding> hostFindings,
    List<ListenerExposure> hostListeners, List<String> expectedNotReachable) {
  public AuditReport {
    exposures = List.copyOf(exposures);
    notes = List.copyOf(notes);
    hostFindings = List.copyOf(hostFindings);
    hostListeners = List.copyOf(hostListeners);
    expectedNotReachable = List.copyOf(expectedNotReachable);
  }

  /** Published ports only: neither the host's setup nor its sockets were audited. */
  public AuditReport(String host, List<Exposure> exposures, List<String> notes) {
    this(host, exposures, notes, List.of(), List.of(), List.of());
  }

  /**
   * This report under another host's name: a fleet's host whose snapshot equals, byte for byte but
   * its {@code hostname}, one already audited. The name is in no other field (HostAudit).
   */
  public AuditReport withHost(String name) {
    return new AuditReport(name, exposures, notes, hostFindings, hostListeners, expectedNotReachable);
  }

  /** This report with the host-wide findings of its setup. */
  public AuditReport withHostFindings(List<ExposureFinding> findings) {
    return new AuditReport(host, exposures, notes, findings, hostListeners, expectedNotReachable);
  }

  @JsonIgnore
  public Severity worst() {
    return allFindings().map(ExposureFinding::severity).max(Comparator.naturalOrder()).orElse(Severity.INFO);
  }

  /** True when some finding, of a port or of the host, is at or above {@code threshold}: the exit code is then 1. */
  public boolean failsAt(Severity threshold) {
    return allFindings().anyMatch(f -> f.severity().atLeast(threshold));
  }

  /**
   * Every finding above info, of the ports, the host's sockets and the host's setup, worst first
   * (in each severity: ports, then sockets, then setup, in the report's order).
   */
  @JsonIgnore
  public List<ExposureFinding> findingsAboveInfo() {
    return allFindings().filter(f -> f.severity().compareTo(Severity.INFO) > 0)
        .sorted(Comparator.comparing(ExposureFinding::severity).reversed()).toList();
  }

  private Stream<ExposureFinding> allFindings() {
    return Stream.concat(Stream.concat(exposures.stream().flatMap(e -> e.findings().stream()), hostFindings.stream()),
        hostListeners.stream().flatMap(l -> l.findings().stream()));
  }
}
