package dev.breakwater.probe;

import java.time.Duration;

/**
 * @param timeout for connecting and for each read of one service exchange
 * @param tryDefaultCredentials log in with well-known default credentials (MySQL root with an
 *     empty password); off by default because it is a login attempt, not just a handshake
 * @param logins credentials the owner gave; with one for a data store its check also logs in
 *     (through the server's official driver, loaded only then: see {@link LoginChecks})
 */
public record CheckOptions(Duration timeout, boolean tryDefaultCredentials, Logins logins) {
  public static final CheckOptions DEFAULT = new CheckOptions(Duration.ofSeconds(3), false);

  public CheckOptions(Duration timeout, boolean tryDefaultCredentials) {
    this(timeout, tryDefaultCredentials, Logins.NONE);
  }
}
