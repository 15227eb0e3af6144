package dev.breakwater.plan;

import dev.breakwater.snapshot.Corpus;
import dev.breakwater.policy.PolicyCompiler;
import dev.breakwater.policy.PolicyFile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The proof with the real reach engine, on corpus hosts. */
class PlanProofTest {
  static final Optional<ReachEngine> ENGINE = Optional.of(new ReachabilityEngine());

  static PolicyProof.PortProof port(Plan plan, String endpoint) {
    return plan.proof().orElseThrow().ports().stream().filter(p -> p.port().endpoint().equals(endpoint)).findFirst().orElseThrow();
  }

  @Test
  void theEngineConfirmsTheAllowsOnBothFamilies() {
    Plan plan = Plan.make(Corpus.facts("docker-28-ipv6"), PolicyFile.parse("""
        allow:
          - port: 8080
            from: [203.0.113.0/24, 2001:db8::/32]
        """, "p.yml"), ENGINE);

    assertThat(plan.proof().orElseThrow().problems()).isEmpty();
    assertThat(plan.proved()).isTrue();
    assertThat(port(plan, "0.0.0.0:8080/tcp").reachableBefore()).containsExactly("0.0.0.0/0");
    assertThat(port(plan, "0.0.0.0:8080/tcp").reachableAfter()).containsExactly("203.0.113.0/24");
    assertThat(port(plan, "[::]:8080/tcp").reachableAfter()).containsExactly("2001:db8::/32");
    assertThat(port(plan, "0.0.0.0:9200/tcp").reachableBefore()).containsExactly("0.0.0.0/0");
    assertThat(port(plan, "0.0.0.0:9200/tcp").reachableAfter()).isEmpty();
  }

  @Test
  void theEngineSeesThroughTheIpsetOfALargeSourceList() {
    StringBuilder yaml = new StringBuilder("ipset-threshold: 2\nallow:\n  - port: 8080\n    from: [");
    for (int i = 0; i < 40; i++) {
      yaml.append(i > 0 ? ", " : "").append("198.18.").append(i).append(".0/30");
    }
    yaml.append("]\n");
    Plan plan = Plan.make(Corpus.facts("docker-28-ipv6"), PolicyFile.parse(yaml.toString(), "p.yml"), ENGINE);

    assertThat(plan.compiled().sets()).hasSize(1);
    assertThat(plan.proof().orElseThrow().problems()).isEmpty();
    // 40 separate /30 blocks, matched through the set
    assertThat(port(plan, "0.0.0.0:8080/tcp").reachableAfter()).hasSize(40).startsWith("198.18.0.0/30", "198.18.1.0/30").endsWith("198.18.39.0/30");
  }

  @Test
  void adjacentSourcesAreCompiledAsTheirMinimalBlocks() {
    Plan plan = Plan.make(Corpus.facts("docker-28-ipv6"), PolicyFile.parse("""
        allow:
          - port: 8080
            from: [198.51.100.0/25, 198.51.100.128/26, 198.51.100.192/26, 198.51.100.7]
        """, "p.yml"), ENGINE);
    assertThat(plan.compiled().rules(dev.breakwater.net.IpFamily.V4)).filteredOn(r -> r.contains(" -s ")).containsExactly(
        "-A BREAKWATER -s 198.51.100.0/24 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN");
    assertThat(port(plan, "0.0.0.0:8080/tcp").reachableAfter()).containsExactly("198.51.100.0/24");
  }

  @Test
  void theProofFailsWhenThePolicyFiltersTheWrongInterface() {
    Plan plan = Plan.make(Corpus.facts("docker-28-ipv6"), PolicyFile.parse("interfaces: [eth9]\n", "p.yml"), ENGINE);

    assertThat(plan.proved()).isFalse();
    assertThat(plan.proof().orElseThrow().problems())
        .contains("0.0.0.0:8080/tcp (web): would still be reachable from 0.0.0.0/0, outside its allows (nobody)");
  }

  @Test
  void theProofFailsAndSaysWhyWhenIpv6CannotBeDecided() {
    Plan plan = Plan.make(Corpus.facts("docker-28-ufw-bypass"), PolicyFile.parse("default: deny\n", "p.yml"), ENGINE);

    assertThat(plan.proved()).isFalse();
    assertThat(port(plan, "0.0.0.0:3306/tcp").reachableAfter()).isEmpty();
    assertThat(plan.proof().orElseThrow().problems()).singleElement().asString()
        .startsWith("[::]:3306/tcp (mysql): would possibly be reachable from ::/0")
        .contains("no ip6tables dump");
  }

  @Test
  void withoutAnEngineThereIsNoProofAndNothingMayBeApplied() {
    Plan plan = Plan.make(Corpus.facts("docker-28-ipv6"), PolicyFile.parse("default: deny\n", "p.yml"), Optional.empty());
    assertThat(plan.proved()).isFalse();
  }

  /**
   * Property: on a host the engine fully understands, any policy the compiler accepts is proved:
   * after the change every port is reachable from outside by exactly its allows.
   */
  @TestFactory
  Stream<DynamicTest> everyRandomPolicyIsProvedOnTheIpv6Host() {
    String only = System.getProperty("breakwater.seed");
    List<Long> seeds = new ArrayList<>();
    if (only != null) {
      seeds.add(Long.parseLong(only));
    } else {
      for (long s : PlanTest.SEEDS) {
        seeds.add(s);
      }
    }
    HostFacts facts = Corpus.facts("docker-28-ipv6");
    return seeds.stream().map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
      String yaml = PlanTest.randomPolicy(new Random(seed)).replace("interfaces: [eth0, eth1]\n", "");
      Plan plan = Plan.make(facts, PolicyFile.parse(yaml, "p.yml"), ENGINE);
      assertThat(plan.proof().orElseThrow().problems()).as(yaml).isEmpty();
      for (PolicyProof.PortProof port : plan.proof().orElseThrow().ports()) {
        if (!port.port().allowed().any()) {
          List<String> allowed = port.port().allowed().of(port.port().family()).stream().map(PolicyCompiler::prefixText).toList();
          assertThat(port.reachableAfter()).as(yaml + port.port().endpoint()).allMatch(allowed::contains);
        }
      }
    }));
  }
}
