package dev.breakwater.report;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/**
 * How urgent a finding is, from {@code info} to {@code critical}; ordered, so {@code
 * severity.compareTo(threshold) >= 0} answers "at or above --fail-on". Labels are lower case in
 * every output (text, JSON, SARIF properties).
 */
public enum Severity {
  INFO,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean atLeast(Severity threshold) {
    return compareTo(threshold) >= 0;
  }

  /** SARIF 2.1.0 {@code result.level}: GitHub maps error/warning/note to its own severities. */
  public String sarifLevel() {
    return switch (this) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, INFO -> "note";
    };
  }

  /** GitHub's {@code security-severity} property (0.0-10.0) used to rank code-scanning alerts. */
  public String securitySeverity() {
    return switch (this) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "3.0";
      case INFO -> "1.0";
    };
  }

  public static Optional<Severity> tryParse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    for (Severity s : values()) {
      if (s.name().equals(t)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  @JsonValue
  @Override
  public String toString() {
    return label();
  }
}
