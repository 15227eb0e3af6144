package dev.breakwater.reach.oracle;

/** What the kernel did with one connection attempt. */
public enum KernelOutcome {
  /** The handshake completed. */
  CONNECTED,
  /** A RST came back: the SYN reached a host or container with no listener on that port. */
  REFUSED,
  /**
   * The SYN reached a container's listener (it sits half-open in its SYN queue), but the host's
   * firewall or routing dropped the answer: the first packet got through, no connection was made.
   */
  HALF_OPEN,
  /** Nothing came back and no container saw the SYN: dropped on the way in. */
  TIMEOUT,
  /**
   * An ICMP error came back: the host has no route (or an unreachable or prohibit route) for the
   * destination. The generator writes no REJECT, so nothing else sends one.
   */
  UNREACHABLE,
  /** The attempt could not be made (a harness fault). */
  ERROR;

  /**
   * Whether the first packet reached a socket and its answer came back: what the engine's
   * verdict speaks about ("delivered and answered"). A RST (TCP) or an ICMP port unreachable
   * (UDP) is an answer that came back through the host like a SYN-ACK would (the same conntrack
   * entry, reply direction); HALF_OPEN is a SYN whose answer the host dropped.
   */
  public boolean reached() {
    return this == CONNECTED || this == REFUSED;
  }

  public boolean isHarnessFault() {
    return this == ERROR;
  }
}
