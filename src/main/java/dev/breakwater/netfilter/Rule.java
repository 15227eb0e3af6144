package dev.breakwater.netfilter;

import java.util.List;
import java.util.Optional;

/**
 * One rule, parsed: an {@code -A} line of iptables-save, or a rule of {@code nft -j list ruleset}.
 *
 * @param table for an iptables rule its table; for an nft rule the iptables table its base chain's
 *     type plays ({@link TableName#FILTER} for filter, {@link TableName#NAT} for nat, {@link
 *     TableName#MANGLE} for route)
 * @param nftTable the nft table's {@link NftTable#label() label} ({@code inet firewalld}) for an nft
 *     rule, empty for an iptables one
 * @param position 1-based position in its chain, as {@code iptables -L --line-numbers} counts
 * @param line 1-based line number in the source file; for an nft rule its handle
 * @param text the original line, exactly as it was (without the line terminator); for an nft rule
 *     the rule as {@code nft list ruleset} would print it
 * @param matches all must match (logical AND), in the order written
 * @param effects what an nft rule does before its verdict when it matches (set a mark, notrack),
 *     in order; iptables rules have none (their one target says it)
 */
public record Rule(
    TableName table,
    Optional<String> nftTable,
    String chain,
    int position,
    int line,
    String text,
    Counters counters,
    List<Match> matches,
    List<Target> effects,
    Target target) {

  public Rule {
    matches = List.copyOf(matches);
    effects = List.copyOf(effects);
  }

  /** An iptables rule. */
  public Rule(TableName table, String chain, int position, int line, String text, Counters counters,
      List<Match> matches, Target target) {
    this(table, Optional.empty(), chain, position, line, text, counters, matches, List.of(), target);
  }

  /** This rule at another position of its chain. */
  public Rule at(int newPosition) {
    return new Rule(table, nftTable, chain, newPosition, line, text, counters, matches, effects, target);
  }

  /** True if some part of this rule was not understood; answers that depend on it are "possibly". */
  public boolean hasUnknown() {
    return target instanceof Target.Unknown || matches.stream().anyMatch(m -> m instanceof Match.Unknown)
        || effects.stream().anyMatch(e -> e instanceof Target.Unknown);
  }

  /** Where the rule lives: {@code filter} for iptables, {@code inet firewalld} for nft. */
  public String tableLabel() {
    return nftTable.orElse(table.label());
  }

  /**
   * {@code filter/DOCKER-USER #3 (line 42)}, or {@code ip docker-bridges/filter-FORWARD #1 (handle
   * 19)} for nft: how findings and traces cite a rule.
   */
  public String citation() {
    return tableLabel() + "/" + chain + " #" + position + (nftTable.isPresent() ? " (handle " : " (line ") + line + ")";
  }
}
