package dev.breakwater.watch;

import dev.breakwater.host.HostFacts;
import dev.breakwater.plan.Plan;
import dev.breakwater.plan.PolicyProof;
import dev.breakwater.plan.ReachEngine;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.FirewallBackend;
import java.util.List;
import java.util.function.Supplier;

/**
 * The proof a correction must pass before watch applies it: the same {@link PolicyProof} that
 * {@code plan} and {@code apply} run, on the host as it would be with exactly the rules about to
 * be applied. A correction is a change to the firewall made without a person looking at a plan
 * (a container started, with or without labels), so it is proved like one.
 */
@FunctionalInterface
public interface CorrectionProof {
  /** Why the correction would not do what the policy says; empty when it is proved. */
  List<String> problems(CompiledPolicy compiled);

  /** No proof: the tests of the loop's other decisions, and watch as it was before. */
  CorrectionProof NONE = compiled -> List.of();

  /**
   * The reach engine on the host read now ({@code whole}: every table, the addresses and the
   * routes, which a check's own read leaves out) with and without {@code compiled} applied.
   * The host is read again, not taken from the check: Docker adds a new container's DNAT rule to
   * nat/DOCKER as it starts it, and a proof on an older nat table would not see the port at all.
   */
  static CorrectionProof engine(Supplier<HostFacts> whole, ReachEngine engine, FirewallBackend backend) {
    return compiled -> {
      HostFacts now = whole.get();
      return PolicyProof.check(compiled, engine.observe(now), engine.observe(Plan.afterApply(now, compiled, backend))).problems();
    };
  }
}
