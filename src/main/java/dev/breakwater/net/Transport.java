package dev.breakwater.net;

import java.util.Locale;
import java.util.Optional;

/** The transport protocols a port can be published for. Numbers are IANA protocol numbers. */
public enum Transport {
  TCP(6),
  UDP(17),
  SCTP(132);

  private final int number;

  Transport(int number) {
    this.number = number;
  }

  public int number() {
    return number;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code tcp}, {@code UDP}, {@code 6} ... ; empty for anything else. */
  public static Optional<Transport> tryParse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (Transport p : values()) {
      if (p.label().equals(t) || Integer.toString(p.number).equals(t)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return label();
  }
}
