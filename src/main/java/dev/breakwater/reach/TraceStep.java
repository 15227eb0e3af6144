package dev.breakwater.reach;

import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Rule;

/** One thing that happened to the packet, in order. */
public sealed interface TraceStep {

  /** Human-readable one-liner. */
  String describe();

  /** A rule that matched (jumps and non-terminating targets included). */
  record RuleMatched(String hook, Rule rule) implements TraceStep {
    @Override
    public String describe() {
      return hook + ": " + rule.citation() + ": " + rule.text();
    }
  }

  /** The packet fell off the end of a built-in (base) chain or RETURNed from it; {@code table} is its label. */
  record PolicyApplied(String hook, String table, String chain, Chain.Policy policy) implements TraceStep {
    @Override
    public String describe() {
      return hook + ": " + table + "/" + chain + " policy " + policy;
    }
  }

  /** The routing decision after PREROUTING. */
  record Routed(String decision) implements TraceStep {
    @Override
    public String describe() {
      return "routing: " + decision;
    }
  }
}
