package dev.breakwater.plan;

import dev.breakwater.netfilter.NftTable;
import dev.breakwater.policy.ChainState;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.policy.NftPolicyTable;
import dev.breakwater.policy.NftPolicyText;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyCompiler;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.Ruleset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a policy would change on a host, and the proof that the result is what the policy says.
 * Pure: facts in, plan out.
 *
 * @param proof empty when no reach engine was given (then nothing may be applied)
 * @param backend the kind of rules the proof was run with, and the apply must write
 */
public record Plan(String policySource, String host, CompiledPolicy compiled, List<PlanDiff> diffs,
    Optional<PolicyProof.Result> proof, FirewallBackend backend) {

  public Plan {
    diffs = List.copyOf(diffs);
  }

  public static Plan make(HostFacts facts, Policy policy, Optional<ReachEngine> oracle) {
    return make(facts, policy, oracle, FirewallBackend.IPTABLES);
  }

  /**
   * @param backend the kind of rules the apply would write: the proof runs the engine on the host
   *     with exactly those (the BREAKWATER chain, or the {@code inet breakwater} table)
   */
  public static Plan make(HostFacts facts, Policy policy, Optional<ReachEngine> oracle, FirewallBackend backend) {
    CompiledPolicy compiled = PolicyCompiler.compile(facts, policy, backend);
    List<PlanDiff> diffs = new ArrayList<>();
    for (IpFamily family : compiled.families()) {
      Ruleset current = family == IpFamily.V4 ? facts.ipv4() : facts.ipv6().orElseThrow();
      diffs.add(PlanDiff.between(family, ChainState.of(current), compiled.rules(family)));
    }
    Optional<PolicyProof.Result> proof = oracle.map(engine ->
        PolicyProof.check(compiled, engine.observe(facts), engine.observe(afterApply(facts, compiled, backend))));
    return new Plan(policy.source(), facts.hostname(), compiled, diffs, proof, backend);
  }

  /** The host as it would be after an apply with the DOCKER-USER chain. */
  public static HostFacts afterApply(HostFacts facts, CompiledPolicy compiled) {
    return afterApply(facts, compiled, FirewallBackend.IPTABLES);
  }

  /**
   * The host as it would be after the apply: only the rulesets differ, by the BREAKWATER chain
   * (iptables) or by the {@code inet breakwater} table in place of any earlier one (nft).
   */
  public static HostFacts afterApply(HostFacts facts, CompiledPolicy compiled, FirewallBackend backend) {
    java.util.function.UnaryOperator<Ruleset> apply = switch (backend) {
      case IPTABLES -> r -> PlannedRuleset.afterApply(r, compiled);
      case NFT -> {
        NftTable table = NftPolicyTable.of(NftPolicyText.of(compiled));
        yield r -> {
          List<NftTable> tables = new ArrayList<>(r.nftTables());
          tables.removeIf(t -> t.label().equals(table.label()));
          tables.add(table);
          return r.withNftTables(tables);
        };
      }
    };
    return new HostFacts(facts.hostname(), facts.interfaces(), facts.routes(), facts.containers(),
        apply.apply(facts.ipv4()), facts.ipv6().map(apply), facts.ufw(), facts.daemon(), facts.notes(), facts.setup(),
        facts.listeners(), facts.routingRules());
  }

  public boolean proved() {
    return proof.map(PolicyProof.Result::holds).orElse(false);
  }

  public boolean changesNothing() {
    return diffs.stream().allMatch(PlanDiff::isEmpty);
  }
}
