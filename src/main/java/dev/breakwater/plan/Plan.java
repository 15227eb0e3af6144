package dev.breakwater.plan;

import dev.breakwater.policy.ChainState;
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
 */
public record Plan(String policySource, String host, CompiledPolicy compiled, List<PlanDiff> diffs, Optional<PolicyProof.Result> proof) {

  public Plan {
    diffs = List.copyOf(diffs);
  }

  public static Plan make(HostFacts facts, Policy policy, Optional<ReachEngine> oracle) {
    CompiledPolicy compiled = PolicyCompiler.compile(facts, policy);
    List<PlanDiff> diffs = new ArrayList<>();
    for (IpFamily family : compiled.families()) {
      Ruleset current = family == IpFamily.V4 ? facts.ipv4() : facts.ipv6().orElseThrow();
      diffs.add(PlanDiff.between(family, ChainState.of(current), compiled.rules(family)));
    }
    Optional<PolicyProof.Result> proof = oracle.map(engine ->
        PolicyProof.check(compiled, engine.observe(facts), engine.observe(afterApply(facts, compiled))));
    return new Plan(policy.source(), facts.hostname(), compiled, diffs, proof);
  }

  /** The host as it would be after the apply: only the filter rulesets differ. */
  public static HostFacts afterApply(HostFacts facts, CompiledPolicy compiled) {
    return new HostFacts(facts.hostname(), facts.interfaces(), facts.routes(), facts.containers(),
        PlannedRuleset.afterApply(facts.ipv4(), compiled),
        facts.ipv6().map(r -> PlannedRuleset.afterApply(r, compiled)),
        facts.ufw(), facts.daemon(), facts.notes());
  }

  public boolean proved() {
    return proof.map(PolicyProof.Result::holds).orElse(false);
  }

  public boolean changesNothing() {
    return diffs.stream().allMatch(PlanDiff::isEmpty);
  }
}
