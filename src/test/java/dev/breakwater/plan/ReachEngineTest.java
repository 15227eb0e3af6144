package dev.breakwater.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.reach.PortReach;
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

  /** Counts what the core engine is asked: whole hosts, and one family of a host. */
  static final class CountingEngine implements ReachEngine {
    final List<HostFacts> whole = new ArrayList<>();
    final List<IpFamily> families = new ArrayList<>();
    private final ReachabilityEngine core = new ReachabilityEngine();

    @Override
    public List<PortReach> observe(HostFacts facts) {
      whole.add(facts);
      return core.observe(facts);
    }

    @Override
    public List<PortReach> observe(HostFacts facts, IpFamily family) {
      families.add(family);
      return core.observe(facts, family);
    }
  }

  @Test
  void theStateBetweenTheCommitsWalksOnlyTheFamilyItDoesNotShareWithAnEndAndAgreesWithTheEngineAlone() {
    CountingEngine counting = new CountingEngine();
    ReachEngine remembering = ReachEngine.remembering(counting);
    Plan plan = Plan.make(HOST, POLICY, Optional.of(remembering));
    HostFacts after = Plan.afterApply(HOST, plan.compiled());
    CommitWindow.Result window = CommitWindow.choose(HOST, after, remembering);

    assertThat(window.holds()).isTrue();
    // IPv4 first: the state between has the new IPv4 rules and the old IPv6 ones, so it equals
    // "after" but for its IPv6 ruleset; only its IPv6 ports are walked
    assertThat(window.sequence().steps().get(0).family()).isEqualTo(IpFamily.V4);
    assertThat(counting.whole).containsExactly(HOST, after);
    assertThat(counting.families).containsExactly(IpFamily.V6);
    HostFacts middle = CommitWindow.intermediates(HOST, after, window.sequence()).get(0);
    List<PortReach> remembered = remembering.observe(middle);
    assertThat(remembered).isEqualTo(new ReachabilityEngine().observe(middle));
    assertThat(remembered.stream().filter(r -> r.port().hostIp().isIPv4())).isNotEmpty();
    assertThat(remembered.stream().filter(r -> r.port().hostIp().isIPv6())).isNotEmpty();
    assertThat(counting.families).hasSize(1); // the middle was remembered
  }

  @Test
  void oneFamilysAnswersAreThoseOfTheWholeHostInTheSameOrderOnEveryCorpusHostWithIpv6() {
    for (String scenario : List.of("docker-28-ipv6", "docker-29-nft-ipv6", "lab-docker-user-fix")) {
      HostFacts facts = Corpus.facts(scenario);
      List<PortReach> whole = new ReachabilityEngine().observe(facts);
      for (IpFamily family : IpFamily.values()) {
        assertThat(new ReachabilityEngine().observe(facts, family)).as(scenario + " " + family)
            .isEqualTo(whole.stream().filter(r -> r.port().hostIp().isIPv4() == (family == IpFamily.V4)).toList());
      }
    }
  }

  @Test
  void aHostWhoseIpv4RulesDifferIsWalkedWhole() {
    CountingEngine counting = new CountingEngine();
    ReachEngine remembering = ReachEngine.remembering(counting);
    Policy v4Only = PolicyFile.parse("allow:\n  - port: 8080\n    from: [203.0.113.0/24]\n", "v4.yml");
    remembering.observe(HOST);
    HostFacts other = Plan.afterApply(HOST, PolicyCompiler.compile(HOST, v4Only));
    assertThat(remembering.observe(other)).isEqualTo(new ReachabilityEngine().observe(other));
    assertThat(counting.whole).containsExactly(HOST, other);
    assertThat(counting.families).isEmpty();
  }
}
