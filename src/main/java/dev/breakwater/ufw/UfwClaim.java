package dev.breakwater.ufw;

import java.util.Locale;

/**
 * What UFW says about a port: the belief audit compares with what the kernel does. {@code NONE}
 * means UFW makes no claim (inactive, or a default policy the status did not print).
 */
public enum UfwClaim {
  DENY,
  ALLOW,
  NONE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code DENY} and {@code REJECT} deny; {@code ALLOW} and {@code LIMIT} allow (rate-limited). */
  static UfwClaim ofAction(String action) {
    return switch (action.toLowerCase(Locale.ROOT)) {
      case "deny", "reject" -> DENY;
      case "allow", "limit" -> ALLOW;
      default -> NONE;
    };
  }

  @Override
  public String toString() {
    return label();
  }
}
