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
  /**
   * What the proof found.
   *
   * @param problems why the correction would not do what the policy says; empty when proved
   * @param noLooser whether, proved or not, the correction lets nobody in who does not get in
   *     now ({@link PolicyProof.Result#noLooser}): after {@code nft flush ruleset} the proof cannot
   *     decide without Docker's nat rules, yet putting the drops back only narrows who reaches
   *     the ports, and refusing it would leave them open
   */
  record Finding(List<String> problems, boolean noLooser) {
    public static final Finding PROVED = new Finding(List.of(), true);

    public Finding {
      problems = List.copyOf(problems);
    }

    /** A failed proof of a change that may also let someone in: refused. */
    public static Finding refuted(List<String> problems) {
      return new Finding(problems, false);
    }

    boolean proved() {
      return problems.isEmpty();
    }
  }

  Finding prove(CompiledPolicy compiled);

  /** No proof: the tests of the loop's other decisions, and watch as it was before. */
  CorrectionProof NONE = compiled -> Finding.PROVED;

  /**
   * The reach engine on the host read now ({@code whole}: every table, the addresses and the
   * routes, which a check's own read leaves out) with and without {@code compiled} applied.
   * The host is read again, not taken from the check: Docker adds a new container's DNAT rule to
   * nat/DOCKER as it starts it, and a proof on an older nat table would not see the port at all.
   */
  static CorrectionProof engine(Supplier<HostFacts> whole, ReachEngine engine, FirewallBackend backend) {
    return compiled -> {
      HostFacts now = whole.get();
      PolicyProof.Result proof = PolicyProof.check(compiled, engine.observe(now),
          engine.observe(Plan.afterApply(now, compiled, backend)));
      return proof.holds() ? Finding.PROVED : new Finding(proof.problems(), proof.noLooser());
    };
  }
}
