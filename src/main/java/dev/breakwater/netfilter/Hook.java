package dev.breakwater.netfilter;

import java.util.Locale;
import java.util.Optional;

/** The netfilter hooks a base chain attaches to, in the order an inbound packet meets them. */
public enum Hook {
  INGRESS,
  PREROUTING,
  INPUT,
  FORWARD,
  OUTPUT,
  POSTROUTING;

  /** As {@code nft} spells it ({@code prerouting}); iptables' built-in chains are the upper case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Hook> tryParse(String text) {
    for (Hook h : values()) {
      if (h.label().equals(text)) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }
}
