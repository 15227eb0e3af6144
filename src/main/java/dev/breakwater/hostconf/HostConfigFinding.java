package dev.breakwater.hostconf;

import dev.breakwater.catalog.Severity;

/**
 * What one setting of the host's configuration means for who reaches its ports: a value, never an
 * exception. The audit and lint both say it, with the place it is written.
 *
 * @param id stable identifier ({@code docker-api-tcp-plain}, {@code fail2ban-input-chain}, ...)
 * @param severity {@code INFO} for a note (a safe setting said as such)
 * @param where the file, line and column of the key that decides it
 * @param message why, in one line
 * @param fix the concrete change that removes it (empty for a note that needs none)
 */
public record HostConfigFinding(String id, Severity severity, ConfigPlace where, String message, String fix) {

  public boolean isNote() {
    return severity == Severity.INFO;
  }
}
