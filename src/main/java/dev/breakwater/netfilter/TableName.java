package dev.breakwater.netfilter;

import java.util.Locale;
import java.util.Optional;

/** The iptables tables, in the order a packet meets them at a hook. */
public enum TableName {
  RAW,
  MANGLE,
  NAT,
  FILTER,
  SECURITY;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<TableName> tryParse(String text) {
    for (TableName t : values()) {
      if (t.label().equals(text)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return label();
  }
}
