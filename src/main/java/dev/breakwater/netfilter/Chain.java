package dev.breakwater.netfilter;

import java.util.List;
import java.util.Optional;

/**
 * A chain and its rules in order.
 *
 * @param policy the built-in chain's policy ({@code ACCEPT} or {@code DROP}); empty for a user chain
 * @param line the line of the {@code :NAME POLICY [p:b]} declaration
 */
public record Chain(
    TableName table, String name, Optional<Policy> policy, Counters counters, int line, List<Rule> rules) {

  public Chain {
    rules = List.copyOf(rules);
  }

  public boolean isBuiltin() {
    return policy.isPresent();
  }

  /** A built-in chain's policy: what happens to a packet that reaches the end of it. */
  public enum Policy {
    ACCEPT,
    DROP
  }
}
