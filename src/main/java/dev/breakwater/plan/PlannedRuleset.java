package dev.breakwater.plan;

import dev.breakwater.policy.ChainState;
import dev.breakwater.policy.CompiledPolicy;

import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.Table;
import dev.breakwater.netfilter.TableName;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ruleset as it would be after an apply: what the proof feeds to the reach engine. Pure. */
public final class PlannedRuleset {
  private PlannedRuleset() {}

  /**
   * {@code current} with its BREAKWATER chain replaced by the compiled one and DOCKER-USER
   * jumping to it first; unchanged when the policy compiled nothing for this family.
   */
  public static Ruleset afterApply(Ruleset current, CompiledPolicy compiled) {
    IpFamily family = current.family();
    if (!compiled.chainRules().containsKey(family)) {
      return current;
    }
    return withChain(current, compiled.rules(family), compiled.setMembers(), "after apply");
  }

  /**
   * {@code current} with its BREAKWATER chain holding {@code rules} and DOCKER-USER jumping to
   * it first, as {@code iptables-restore} leaves it after {@code RestoreText.apply}.
   *
   * @param setMembers the members of the sets {@code rules} match
   * @param what how the result's source names this state
   */
  public static Ruleset withChain(Ruleset current, List<String> rules, Map<String, List<IPAddress>> setMembers, String what) {
    IpFamily family = current.family();
    Table filter = current.table(TableName.FILTER).orElseThrow(
        () -> new IllegalArgumentException(current.source() + ": no filter table to apply to"));
    Chain dockerUser = filter.chain("DOCKER-USER").orElseThrow(
        () -> new IllegalArgumentException(current.source() + ": no DOCKER-USER chain to apply to"));

    StringBuilder fragment = new StringBuilder("*filter\n:DOCKER-USER - [0:0]\n:" + CompiledPolicy.CHAIN + " - [0:0]\n");
    fragment.append(CompiledPolicy.JUMP).append('\n');
    rules.forEach(r -> fragment.append(r).append('\n'));
    fragment.append("COMMIT\n");
    Table planned = IptablesSaveParser.parse(fragment.toString(), family, "planned " + CompiledPolicy.CHAIN + " chain", setMembers)
        .table(TableName.FILTER).orElseThrow();
    Rule jump = planned.chain("DOCKER-USER").orElseThrow().rules().get(0);

    List<Rule> userRules = new ArrayList<>();
    userRules.add(jump);
    for (Rule rule : dockerUser.rules()) {
      if (!ChainState.withoutCounters(rule).equals(CompiledPolicy.JUMP)) {
        userRules.add(rule);
      }
    }
    List<Rule> renumbered = new ArrayList<>();
    for (int i = 0; i < userRules.size(); i++) {
      Rule r = userRules.get(i);
      renumbered.add(new Rule(r.table(), r.chain(), i + 1, r.line(), r.text(), r.counters(), r.matches(), r.target()));
    }
    Map<String, Chain> chains = new LinkedHashMap<>(filter.chains());
    chains.put("DOCKER-USER", new Chain(dockerUser.table(), dockerUser.name(), dockerUser.policy(), dockerUser.counters(), dockerUser.line(), renumbered));
    chains.put(CompiledPolicy.CHAIN, planned.chain(CompiledPolicy.CHAIN).orElseThrow());
    Map<TableName, Table> tables = new LinkedHashMap<>(current.tables());
    tables.put(TableName.FILTER, new Table(TableName.FILTER, chains));
    return new Ruleset(family, current.source() + " (" + what + ")", tables, current.warnings(), current.unseen(),
        current.nftTables());
  }
}
