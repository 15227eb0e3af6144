package dev.breakwater.watch;

import dev.breakwater.host.HostFacts;
import dev.breakwater.plan.Plan;
import dev.breakwater.plan.PolicyProof;
import dev.breakwater.plan.ReachEngine;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.reach.PortReach;
import java.util.List;

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

  /**
   * @param host the whole host (every table, the addresses and the routes) as the check read it,
   *     after its triggers arrived: the same read {@code compiled} was compiled from, so that the
   *     proof and the rules it proves see one moment of the host
   */
  Finding prove(HostFacts host, CompiledPolicy compiled);

  /**
   * Whether the proof needs the whole host: then every check reads it ({@link
   * dev.breakwater.gather.HostReader#readWhole}) and compiles from it; without a proof a Docker
   * event reads only the containers.
   */
  default boolean readsWholeHost() {
    return true;
  }

  /** No proof: the tests of the loop's other decisions, and watch as it was before. */
  CorrectionProof NONE = new CorrectionProof() {
    @Override
    public Finding prove(HostFacts host, CompiledPolicy compiled) {
      return Finding.PROVED;
    }

    @Override
    public boolean readsWholeHost() {
      return false;
    }
  };

  /**
   * The reach engine on {@code host} with {@code compiled} applied and, only when that answer
   * alone does not decide ({@link PolicyProof#holdsForAnyBefore}), on the host as it is: the
   * proof's answer is the same as {@code plan}'s two walks, and the common correction (a
   * container's allow, exactly what the engine finds after) costs one walk. The host is the
   * check's own fresh read, not an older one: Docker adds a new container's DNAT rule to
   * nat/DOCKER as it starts it, and a proof on an older nat table would not see the port at all.
   */
  static CorrectionProof engine(ReachEngine engine, FirewallBackend backend) {
    return (now, compiled) -> {
      List<PortReach> after = engine.observe(Plan.afterApply(now, compiled, backend));
      if (PolicyProof.holdsForAnyBefore(compiled, after)) {
        return Finding.PROVED;
      }
      PolicyProof.Result proof = PolicyProof.check(compiled, engine.observe(now), after);
      return proof.holds() ? Finding.PROVED : new Finding(proof.problems(), proof.noLooser());
    };
  }
}
