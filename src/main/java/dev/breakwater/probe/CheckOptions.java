package dev.breakwater.probe;

import java.time.Duration;

/**
 * @param timeout for connecting and for each read of one service exchange
 * @param tryDefaultCredentials log in with well-known default credentials (MySQL root with an
 *     empty password); off by default because it is a login attempt, not just a handshake
 */
public record CheckOptions(Duration timeout, boolean tryDefaultCredentials) {
  public static final CheckOptions DEFAULT = new CheckOptions(Duration.ofSeconds(3), false);
}
