package dev.breakwater.compose;

/** Which host addresses a publication listens on, as far as the source text tells. */
public enum HostBinding {
  /** No host address: Docker binds 0.0.0.0 and [::] (or the network's host_binding_ipv4). */
  UNBOUND,
  /** Explicitly every address ({@code 0.0.0.0}, {@code ::}): public on purpose. */
  ALL_INTERFACES,
  LOOPBACK,
  /** One specific non-loopback address (a LAN, VPN or docker0 address). */
  SPECIFIC,
  /** A variable the linter cannot resolve. */
  UNKNOWN;

  public boolean reachableFromEverywhere() {
    return this == UNBOUND || this == ALL_INTERFACES;
  }
}
