package dev.breakwater.netfilter;

import java.util.List;
import java.util.Optional;

/**
 * A chain and its rules in order.
 *
 * @param nftTable the nft table's label for a chain of {@code nft list ruleset}; empty for iptables.
 *     Jumps resolve within it.
 * @param policy the built-in (base) chain's policy ({@code ACCEPT} or {@code DROP}); empty for a user
 *     (regular) chain
 * @param line the line of the {@code :NAME POLICY [p:b]} declaration; for nft the chain's handle
 */
public record Chain(
    TableName table, Optional<String> nftTable, String name, Optional<Policy> policy, Counters counters, int line,
    List<Rule> rules) {

  public Chain {
    rules = List.copyOf(rules);
  }

  /** An iptables chain. */
  public Chain(TableName table, String name, Optional<Policy> policy, Counters counters, int line, List<Rule> rules) {
    this(table, Optional.empty(), name, policy, counters, line, rules);
  }

  public boolean isBuiltin() {
    return policy.isPresent();
  }

  /** {@code filter} or {@code inet firewalld}. */
  public String tableLabel() {
    return nftTable.orElse(table.label());
  }

  /** A built-in chain's policy: what happens to a packet that reaches the end of it. */
  public enum Policy {
    ACCEPT,
    DROP
  }
}
