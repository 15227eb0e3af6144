package dev.breakwater.probe;

import java.util.Locale;

/** What a service check learned about who may use the service behind an open port. */
public enum Access {
  /** It served a stranger without any credentials (Redis PING, PostgreSQL trust, ...). */
  NO_AUTH,
  /** It let a stranger in with a well-known default credential (MySQL root, empty password). */
  DEFAULT_CREDENTIALS,
  /** It identified itself and asked for credentials. */
  AUTH_REQUIRED,
  /** It identified itself and turned this client away (host not allowed, protected mode). */
  REFUSED,
  /** It identified itself; whether a stranger gets in was not tried (say, no credential guessing). */
  UNTESTED,
  /**
   * A check logged in with the credentials the owner gave ({@code --login}); the finding is what
   * anyone who guesses or steals them, or reaches an account without a password, could do.
   */
  LOGGED_IN,
  /** It did not speak the protocol expected on this port, or did not answer in time. */
  UNRECOGNISED;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** True when a stranger got in: the finding a secured service must never produce. */
  public boolean strangerGetsIn() {
    return this == NO_AUTH || this == DEFAULT_CREDENTIALS;
  }
}
