package dev.breakwater.ufw;

import java.util.List;

/**
 * What {@code ufw status verbose} says: the user's belief about their firewall, which audit
 * compares with what the kernel really does.
 *
 * @param defaultIncoming {@code deny}, {@code allow} or {@code reject}; same for the others
 */
public record UfwStatus(
    boolean active,
    String defaultIncoming,
    String defaultOutgoing,
    String defaultRouted,
    List<UfwRule> rules) {

  public UfwStatus {
    rules = List.copyOf(rules);
  }
}
