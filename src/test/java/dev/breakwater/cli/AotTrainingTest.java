package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.plan.Plan;
import dev.breakwater.plan.ReachabilityEngine;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.snapshot.Corpus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The AOT training's plan must be a real one: a policy that parses, compiles to one rule per allow, and proves. */
class AotTrainingTest {
  @Test
  void theTrainingPolicyPlansAndProvesOnTheTrainingSnapshotWithBothBackends() {
    Policy policy = PolicyFile.parse(AotTraining.trainingPolicy(), "training.yml");
    for (FirewallBackend backend : FirewallBackend.values()) {
      Plan plan = Plan.make(Corpus.facts("docker-28-ipv6"), policy, Optional.of(new ReachabilityEngine()), backend);
      assertThat(plan.proved()).as(backend.label()).isTrue();
    }
    Plan iptables = Plan.make(Corpus.facts("docker-28-ipv6"), policy, Optional.empty());
    assertThat(iptables.compiled().rules(dev.breakwater.net.IpFamily.V4))
        .filteredOn(r -> r.contains("-s 198.18.")).hasSize(AotTraining.PLAN_ALLOWS);
  }
}
