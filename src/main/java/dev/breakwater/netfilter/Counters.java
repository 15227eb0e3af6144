package dev.breakwater.netfilter;

/** The {@code [packets:bytes]} counters iptables-save prints with {@code -c} or on chain lines. */
public record Counters(long packets, long bytes) {
  public static final Counters NONE = new Counters(0, 0);
}
