package dev.breakwater.reach;

import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.UnseenTable;
import java.util.List;
import inet.ipaddr.IPAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** One family's ruleset with each chain's {@link ChainIndex}, built on first use. */
final class RulesetIndex {
  private final Ruleset ruleset;
  private final Map<TableName, Map<String, Optional<ChainIndex>>> chains = new java.util.EnumMap<>(TableName.class);

  /** The address range of each prefix a rule tests, by identity: rules keep their prefix objects. */
  private final Map<IPAddress, Span> spans = new java.util.IdentityHashMap<>();

  Span span(IPAddress prefix) {
    return spans.computeIfAbsent(prefix, Span::of);
  }

  /** An ipset's members of one family, sorted once, by identity of the member list. */
  private final Map<java.util.List<IPAddress>, MemberSpans> v4Members = new java.util.IdentityHashMap<>();
  private final Map<java.util.List<IPAddress>, MemberSpans> v6Members = new java.util.IdentityHashMap<>();

  MemberSpans members(java.util.List<IPAddress> members, dev.breakwater.net.IpFamily family) {
    return (family == dev.breakwater.net.IpFamily.V4 ? v4Members : v6Members)
        .computeIfAbsent(members, m -> new MemberSpans(m, family));
  }

  /** False only in tests: every rule is a candidate, to check the index changes no answer. */
  private final boolean indexed;

  RulesetIndex(Ruleset ruleset) {
    this(ruleset, true);
  }

  RulesetIndex(Ruleset ruleset, boolean indexed) {
    this.ruleset = ruleset;
    this.indexed = indexed;
  }

  Ruleset ruleset() {
    return ruleset;
  }

  private final Map<TableName, List<UnseenTable>> unseen = new java.util.EnumMap<>(TableName.class);

  /** The parts of {@code table} the dump does not show (see {@link Ruleset#unseen()}). */
  List<UnseenTable> unseen(TableName table) {
    return unseen.computeIfAbsent(table, ruleset::unseen);
  }

  boolean hasTable(TableName table) {
    return ruleset.tables().containsKey(table);
  }

  Optional<ChainIndex> chain(TableName table, String name) {
    Map<String, Optional<ChainIndex>> byName = chains.get(table);
    if (byName == null) {
      byName = new HashMap<>();
      chains.put(table, byName);
    }
    Optional<ChainIndex> chain = byName.get(name);
    if (chain == null) {
      chain = ruleset.chain(table, name).map(c -> new ChainIndex(c, indexed));
      byName.put(name, chain);
    }
    return chain;
  }
}
