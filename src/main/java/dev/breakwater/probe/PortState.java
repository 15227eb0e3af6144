package dev.breakwater.probe;

import java.util.Locale;

/** What a TCP connect attempt learned about a port. */
public enum PortState {
  /** The handshake completed: something listens and the path lets strangers in. */
  OPEN,
  /** A reset came back: the host is reachable, nothing listens (or a REJECT with tcp-reset). */
  CLOSED,
  /** No answer before the timeout, or an ICMP unreachable: a firewall drops or rejects it. */
  FILTERED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
