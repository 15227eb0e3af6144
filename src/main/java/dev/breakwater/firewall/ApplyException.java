package dev.breakwater.firewall;

/**
 * An apply, rollback or verification that did not happen as planned; the message says what the
 * firewall tool answered and what state the host was left in.
 */
public final class ApplyException extends RuntimeException {
  public ApplyException(String message) {
    super(message);
  }
}
