package dev.breakwater.policy;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
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
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Breakwater's nft table as the rule model ({@link NftTable}), for the proof: the engine reads it
 * as it reads a table of {@code nft -j list ruleset}. Rendered from the same rules as the script
 * ({@link NftPolicyText}), so both say the same.
 *
 * <p>{@code meta nfproto ipv4} is {@code Match.Address(DESTINATION, 0.0.0.0/0)}: an address
 * match of the other family never holds (reach.Walk), which is exactly what nfproto does. A named
 * set is {@code Match.AnyOf} of its prefixes as source addresses (an empty set matches nothing).
 */
public final class NftPolicyTable {
  private NftPolicyTable() {}

  public static NftTable of(NftPolicyText text) {
    String label = NftTable.label(NftFamily.INET, NftPolicyText.TABLE);
    List<Rule> rules = new ArrayList<>();
    int position = 1;
    for (NftPolicyRule rule : text.ruleModels()) {
      rules.add(new Rule(TableName.FILTER, Optional.of(label), NftPolicyText.CHAIN, position, position, rule.text(), Counters.NONE,
          matches(rule), List.of(), target(rule.verdict())));
      position++;
    }
    Chain chain = new Chain(TableName.FILTER, Optional.of(label), NftPolicyText.CHAIN, Optional.of(Chain.Policy.ACCEPT), Counters.NONE, 1, rules);
    // priority filter - 1: before Docker's filter chains and iptables-nft's filter FORWARD (0).
    BaseChain base = new BaseChain(NftPolicyText.CHAIN, Hook.FORWARD, BaseChain.Type.FILTER, -1, Chain.Policy.ACCEPT, Optional.empty());
    return new NftTable(NftFamily.INET, NftPolicyText.TABLE, Map.of(NftPolicyText.CHAIN, chain), List.of(base), List.of());
  }

  static List<Match> matches(NftPolicyRule rule) {
    List<Match> matches = new ArrayList<>();
    rule.inInterface().ifPresent(i -> matches.add(new Match.Interface(true, i, false)));
    rule.outPattern().ifPresent(o -> matches.add(new Match.Interface(false, o, false)));
    rule.family().ifPresent(f -> matches.add(new Match.Address(Match.Side.DESTINATION,
        new IPAddressString(f == IpFamily.V4 ? "0.0.0.0/0" : "::/0").getAddress(), false)));
    rule.protocol().ifPresent(p -> matches.add(new Match.Protocol(p.number(), p.label(), false)));
    rule.originalDestination().ifPresent(a -> matches.add(new Match.OriginalAddress(Match.Side.DESTINATION,
        a.withoutPrefixLength().toPrefixBlock(a.getBitCount()), false)));
    rule.originalPort().ifPresent(p -> matches.add(new Match.OriginalPort(Match.Side.DESTINATION, PortRange.of(p), false)));
    rule.sourceSet().ifPresent(s -> matches.add(new Match.AnyOf(
        s.prefixes().stream().map(p -> List.<Match>of(new Match.Address(Match.Side.SOURCE, p, false))).toList(), false)));
    rule.state().ifPresent(s -> matches.add(new Match.ConnectionState(switch (s) {
      case ESTABLISHED_RELATED -> Set.of(Match.CtState.ESTABLISHED, Match.CtState.RELATED);
      case NEW -> Set.of(Match.CtState.NEW);
      case DNAT -> Set.of(Match.CtState.DNAT);
    }, false)));
    return matches;
  }

  private static Target target(NftPolicyRule.Verdict verdict) {
    return switch (verdict) {
      case ACCEPT -> new Target.Accept();
      case DROP -> new Target.Drop();
      case REJECT -> new Target.Reject("icmpx-port-unreachable");
      case REJECT_TCP_RESET -> new Target.Reject("tcp-reset");
    };
  }
}
