package dev.breakwater.netfilter;

import java.util.List;

/**
 * One {@code -A} line, parsed.
 *
 * @param position 1-based position in its chain, as {@code iptables -L --line-numbers} counts
 * @param line 1-based line number in the source file
 * @param text the original line, exactly as it was (without the line terminator)
 * @param matches all must match (logical AND), in the order written
 */
public record Rule(
    TableName table,
    String chain,
    int position,
    int line,
    String text,
    Counters counters,
    List<Match> matches,
    Target target) {

  public Rule {
    matches = List.copyOf(matches);
  }

  /** True if some part of this rule was not understood; answers that depend on it are "possibly". */
  public boolean hasUnknown() {
    return target instanceof Target.Unknown || matches.stream().anyMatch(m -> m instanceof Match.Unknown);
  }

  /** {@code filter/DOCKER-USER #3 (line 42)} — how findings and traces cite a rule. */
  public String citation() {
    return table.label() + "/" + chain + " #" + position + " (line " + line + ")";
  }
}
