package dev.breakwater.plan;

import dev.breakwater.policy.ChainState;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.policy.PolicyCompiler;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.policy.RestoreText;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PlanTest {
  static final String ALLOW_3306 = "allow:\n  - port: 3306\n    from: 198.51.100.0/24\n";

  @Test
  void firstPlanAddsTheChainTheJumpAndEveryRule() {
    HostFacts facts = Corpus.facts("docker-28-ufw-bypass");
    CompiledPolicy compiled = PolicyCompiler.compile(facts, PolicyFile.parse(ALLOW_3306, "p.yml"));

    PlanDiff diff = PlanDiff.between(IpFamily.V4, ChainState.of(facts.ipv4()), compiled.rules(IpFamily.V4));

    assertThat(diff.added()).isEqualTo(5);
    assertThat(diff.removed()).isZero();
    assertThat(diff.jumpChange()).contains("new chain").contains("-I DOCKER-USER 1 -j BREAKWATER");
  }

  @Test
  void afterApplyTheJumpIsFirstAndDockerUsersOwnRulesFollowInOrder() {
    HostFacts facts = Corpus.facts("docker-user-fixed");
    CompiledPolicy compiled = PolicyCompiler.compile(facts, PolicyFile.parse(ALLOW_3306, "p.yml"));
    List<String> before = facts.ipv4().chain(TableName.FILTER, "DOCKER-USER").orElseThrow().rules().stream().map(Rule::text).toList();

    Ruleset after = PlannedRuleset.afterApply(facts.ipv4(), compiled);

    List<Rule> dockerUser = after.chain(TableName.FILTER, "DOCKER-USER").orElseThrow().rules();
    assertThat(dockerUser.get(0).target()).isEqualTo(new Target.Jump("BREAKWATER"));
    assertThat(dockerUser.stream().skip(1).map(Rule::text)).containsExactlyElementsOf(before);
    assertThat(dockerUser).extracting(Rule::position).containsExactly(java.util.stream.IntStream.rangeClosed(1, dockerUser.size()).boxed().toArray(Integer[]::new));
    assertThat(ChainState.of(after).matches(compiled.rules(IpFamily.V4))).isTrue();
    // the compiled rules are understood by the parser, nothing unknown for the engine
    assertThat(after.chain(TableName.FILTER, "BREAKWATER").orElseThrow().rules()).noneMatch(Rule::hasUnknown);
    // other tables and chains untouched
    assertThat(after.table(TableName.NAT)).isEqualTo(facts.ipv4().table(TableName.NAT));
    assertThat(after.chain(TableName.FILTER, "INPUT")).isEqualTo(facts.ipv4().chain(TableName.FILTER, "INPUT"));
  }

  @Test
  void restoreTextDeletesEveryOldJumpAndInsertsOneAtPositionOne() {
    Ruleset twice = IptablesSaveParser.parse("""
        *filter
        :FORWARD ACCEPT [0:0]
        :BREAKWATER - [0:0]
        :DOCKER-USER - [0:0]
        -A BREAKWATER -j RETURN
        -A DOCKER-USER -s 10.0.0.0/8 -j RETURN
        -A DOCKER-USER -j BREAKWATER
        -A DOCKER-USER -j BREAKWATER
        -A DOCKER-USER -j RETURN
        COMMIT
        """, IpFamily.V4, "t");
    ChainState state = ChainState.of(twice);
    assertThat(state.jumpPositions()).containsExactly(2, 3);
    assertThat(RestoreText.apply(state, List.of("-A BREAKWATER -j DROP"))).isEqualTo("""
        *filter
        :BREAKWATER - [0:0]
        -A BREAKWATER -j DROP
        -D DOCKER-USER -j BREAKWATER
        -D DOCKER-USER -j BREAKWATER
        -I DOCKER-USER 1 -j BREAKWATER
        COMMIT
        """);
    ChainState none = new ChainState(false, List.of(), List.of(), true);
    assertThat(RestoreText.restore(new ChainState(true, List.of("-A BREAKWATER -j DROP"), List.of(1), true), none)).isEqualTo("""
        *filter
        :BREAKWATER - [0:0]
        -D DOCKER-USER -j BREAKWATER
        -X BREAKWATER
        COMMIT
        """);
    assertThat(RestoreText.restore(none, state)).isEqualTo("""
        *filter
        :BREAKWATER - [0:0]
        -A BREAKWATER -j RETURN
        -I DOCKER-USER 2 -j BREAKWATER
        -I DOCKER-USER 3 -j BREAKWATER
        COMMIT
        """);
  }

  static final long[] SEEDS = {1, 2, 3, 42, 1234, 99991, 271828, 314159};
  static final List<String> SCENARIOS = List.of(
      "docker-28-ufw-bypass", "docker-28-ipv6", "docker-user-fixed", "docker-user-bare-drop", "docker-24-compose-network", "docker-20.10-ufw-bypass");

  /**
   * Property: for a random policy on a corpus host, planning again on the ruleset as it would be
   * after the apply finds nothing to do (apply twice is a no-op), and the diff from the
   * original adds exactly the compiled rules.
   */
  @TestFactory
  Stream<DynamicTest> planningOnTheAppliedRulesetIsEmpty() {
    String only = System.getProperty("breakwater.seed");
    List<Long> seeds = new ArrayList<>();
    if (only != null) {
      seeds.add(Long.parseLong(only));
    } else {
      for (long s : SEEDS) {
        seeds.add(s);
      }
    }
    return seeds.stream().map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
      Random random = new Random(seed);
      HostFacts facts = Corpus.facts(SCENARIOS.get(random.nextInt(SCENARIOS.size())));
      CompiledPolicy compiled = PolicyCompiler.compile(facts, PolicyFile.parse(randomPolicy(random), "p.yml"));
      for (IpFamily family : compiled.families()) {
        Ruleset current = family == IpFamily.V4 ? facts.ipv4() : facts.ipv6().orElseThrow();
        Ruleset after = PlannedRuleset.afterApply(current, compiled);
        assertThat(PlanDiff.between(family, ChainState.of(after), compiled.rules(family)).isEmpty()).isTrue();
        assertThat(PlanDiff.between(family, ChainState.of(current), compiled.rules(family)).added())
            .isEqualTo(compiled.rules(family).size());
        Ruleset twice = PlannedRuleset.afterApply(after, compiled);
        assertThat(twice.chain(TableName.FILTER, "DOCKER-USER")).isEqualTo(after.chain(TableName.FILTER, "DOCKER-USER"));
      }
    }));
  }

  static String randomPolicy(Random random) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("default: ").append(random.nextBoolean() ? "deny" : "allow").append('\n');
    yaml.append("action: ").append(random.nextBoolean() ? "drop" : "reject").append('\n');
    if (random.nextBoolean()) {
      yaml.append("interfaces: [eth0, eth1]\n");
    }
    yaml.append("allow:\n");
    int[] ports = {80, 443, 3306, 5432, 6379, 8080, 9200, 27017};
    int entries = random.nextInt(6);
    for (int i = 0; i < entries; i++) {
      yaml.append("  - port: ").append(ports[random.nextInt(ports.length)]).append('\n');
      yaml.append("    from: [");
      int sources = 1 + random.nextInt(3);
      for (int s = 0; s < sources; s++) {
        yaml.append(s > 0 ? ", " : "").append(random.nextInt(5) == 0 ? "any"
            : random.nextBoolean() ? "198.51.100." + (random.nextInt(64) * 4) + "/30" : "2001:db8:" + Integer.toHexString(random.nextInt(65536)) + "::/48");
      }
      yaml.append("]\n");
    }
    return yaml.toString();
  }
}
