package dev.breakwater.audit;

import dev.breakwater.catalog.Severity;

/**
 * One thing wrong with an exposure: a value the audit returns, never an exception.
 *
 * @param id stable identifier for scripts and suppressions ({@code ufw-bypass})
 * @param message one line of why, naming the sources and the rule that decides
 * @param fix a concrete change that removes the finding
 */
public record ExposureFinding(String id, Severity severity, String message, String fix) {

  /** The worst severity among {@code findings}; {@code INFO} when there is none. */
  static Severity worst(java.util.List<ExposureFinding> findings) {
    return findings.stream().map(ExposureFinding::severity).max(java.util.Comparator.naturalOrder()).orElse(Severity.INFO);
  }
}
