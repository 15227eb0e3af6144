package dev.breakwater.net;

import inet.ipaddr.IPAddress;

/** IPv4 or IPv6; iptables and ip6tables keep separate rulesets, one per family. */
public enum IpFamily {
  V4,
  V6;

  /** The family of an address or prefix. */
  public static IpFamily of(IPAddress address) {
    return address.isIPv4() ? V4 : V6;
  }

  public String label() {
    return this == V4 ? "IPv4" : "IPv6";
  }
}
