package dev.breakwater.net;

/** IPv4 or IPv6; iptables and ip6tables keep separate rulesets, one per family. */
public enum IpFamily {
  V4,
  V6;

  public String label() {
    return this == V4 ? "IPv4" : "IPv6";
  }
}
