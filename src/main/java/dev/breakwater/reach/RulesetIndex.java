package dev.breakwater.reach;

import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.TableName;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** One family's ruleset with each chain's {@link ChainIndex}, built on first use. */
final class RulesetIndex {
  private final Ruleset ruleset;
  private final Map<String, Optional<ChainIndex>> chains = new HashMap<>();

  RulesetIndex(Ruleset ruleset) {
    this.ruleset = ruleset;
  }

  Ruleset ruleset() {
    return ruleset;
  }

  boolean hasTable(TableName table) {
    return ruleset.tables().containsKey(table);
  }

  Optional<ChainIndex> chain(TableName table, String name) {
    return chains.computeIfAbsent(table.label() + "/" + name,
        k -> ruleset.chain(table, name).map(ChainIndex::new));
  }
}
