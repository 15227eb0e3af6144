package dev.breakwater.probe;

import java.util.Locale;

/**
 * How urgent a probe finding is. Probe's own scale until a shared {@code report.Severity}
 * exists; the names follow SARIF/CVSS wording so the two can merge.
 */
public enum Severity {
  INFO,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
