package dev.breakwater.reach;

import dev.breakwater.netfilter.BaseChain;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Counters;
import dev.breakwater.netfilter.Hook;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.NftFamily;
import dev.breakwater.netfilter.NftTable;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Test fixture: one nft table built by hand in the model (the reader's tests read real JSON).
 * Handles count from 1 in the order rules are added; with {@link #logTo} every chain and rule is
 * also written out, for a property test's failure message.
 */
final class NftTableBuilder {
  private final NftFamily family;
  private final String name;
  private final Map<String, List<Rule>> chains = new LinkedHashMap<>();
  private final Map<String, Chain.Policy> policies = new LinkedHashMap<>();
  private final List<BaseChain> bases = new ArrayList<>();
  private StringBuilder log = new StringBuilder();
  private int handle = 1;

  NftTableBuilder(NftFamily family, String name) {
    this.family = family;
    this.name = name;
  }

  NftTableBuilder logTo(StringBuilder out) {
    this.log = out;
    return this;
  }

  NftTableBuilder base(String chain, Hook hook, BaseChain.Type type, int priority, Chain.Policy policy) {
    bases.add(new BaseChain(chain, hook, type, priority, policy, Optional.empty()));
    policies.put(chain, policy);
    chains.computeIfAbsent(chain, c -> new ArrayList<>());
    log.append("table ").append(label()).append(" chain ").append(chain).append(' ').append(hook).append(' ')
        .append(type).append(" prio ").append(priority).append(" policy ").append(policy).append('\n');
    return this;
  }

  NftTableBuilder chain(String chain) {
    chains.computeIfAbsent(chain, c -> new ArrayList<>());
    return this;
  }

  NftTableBuilder rule(String chain, String text, List<Match> matches, List<Target> effects, Target target) {
    List<Rule> rules = chains.computeIfAbsent(chain, c -> new ArrayList<>());
    rules.add(new Rule(TableName.FILTER, Optional.of(label()), chain, rules.size() + 1, handle++, text, Counters.NONE,
        matches, effects, target));
    log.append("  ").append(chain).append(": ").append(matches).append(' ').append(effects).append(" -> ")
        .append(target).append('\n');
    return this;
  }

  NftTableBuilder rule(String chain, String text, List<Match> matches, Target target) {
    return rule(chain, text, matches, List.of(), target);
  }

  private String label() {
    return NftTable.label(family, name);
  }

  NftTable build() {
    Map<String, Chain> built = new LinkedHashMap<>();
    chains.forEach((chain, rules) -> built.put(chain, new Chain(TableName.FILTER, Optional.of(label()), chain,
        Optional.ofNullable(policies.get(chain)), Counters.NONE, 0, rules)));
    return new NftTable(family, name, built, bases, List.of());
  }
}
