package dev.breakwater.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyCompiler;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.snapshot.Corpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The remembering engine apply proves with: each distinct host is walked once, answers unchanged. */
class ReachEngineTest {
  static final HostFacts HOST = Corpus.facts("docker-28-ipv6");
  static final Policy POLICY = PolicyFile.parse("allow:\n  - port: 8080\n    from: [203.0.113.0/24, 2001:db8::/32]\n", "p.yml");

  @Test
  void applysPlanAndCommitOrderWalkEachHostOnceAndAgreeWithTheEngineAlone() {
    List<HostFacts> walked = new ArrayList<>();
    ReachEngine counting = facts -> {
      walked.add(facts);
      return new ReachabilityEngine().observe(facts);
    };
    ReachEngine remembering = ReachEngine.remembering(counting);

    Plan plan = Plan.make(HOST, POLICY, Optional.of(remembering));
    CommitWindow.Result window = CommitWindow.choose(HOST, Plan.afterApply(HOST, plan.compiled()), remembering);

    ReachEngine alone = new ReachabilityEngine();
    Plan planAlone = Plan.make(HOST, POLICY, Optional.of(alone));
    CommitWindow.Result windowAlone = CommitWindow.choose(HOST, Plan.afterApply(HOST, planAlone.compiled()), alone);
    assertThat(plan.proved()).isEqualTo(planAlone.proved()).isTrue();
    assertThat(window).isEqualTo(windowAlone);
    // before, after, and the one state between the IPv4 and IPv6 commits: three hosts, each walked once
    // (the engine alone walks five: the plan's two ends, then the order's same two ends again and the middle)
    assertThat(window.sequence().steps()).hasSize(2);
    assertThat(walked).hasSize(3).doesNotHaveDuplicates();
  }

  @Test
  void aHostThatDiffersIsWalkedAgainAndAnEqualOneIsNot() {
    List<HostFacts> walked = new ArrayList<>();
    ReachEngine remembering = ReachEngine.remembering(facts -> {
      walked.add(facts);
      return new ReachabilityEngine().observe(facts);
    });
    CompiledPolicy compiled = PolicyCompiler.compile(HOST, POLICY);
    var before = remembering.observe(HOST);
    var after = remembering.observe(Plan.afterApply(HOST, compiled));
    var afterAgain = remembering.observe(Plan.afterApply(HOST, compiled)); // an equal host, another instance

    assertThat(walked).hasSize(2);
    assertThat(afterAgain).isSameAs(after);
    assertThat(after).isNotEqualTo(before);
  }
}
