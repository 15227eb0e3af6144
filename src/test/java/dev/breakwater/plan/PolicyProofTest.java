package dev.breakwater.plan;

import dev.breakwater.policy.AddressText;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.ProtectedPort;
import dev.breakwater.policy.Sources;

import dev.breakwater.net.AddressSets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Counters;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.Target;
import dev.breakwater.reach.PortReach;
import dev.breakwater.reach.SourceClass;
import dev.breakwater.reach.Verdict;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyProofTest {
  static List<IPAddress> prefixes(String... texts) {
    return Arrays.stream(texts).map(t -> new IPAddressString(t).getAddress()).toList();
  }

  static CompiledPolicy policy(Sources allowed) {
    ProtectedPort port = new ProtectedPort("mysql", IpFamily.V4, Optional.empty(), 3306, Transport.TCP, allowed, List.of("p.yml:2:5"));
    return new CompiledPolicy(List.of("eth0"), List.of(port), Map.of(IpFamily.V4, List.of()), List.of());
  }

  static final Rule RECENT = new Rule(TableName.FILTER, "DOCKER-USER", 1, 9,
      "-A DOCKER-USER -m recent --rcheck -j DROP", Counters.NONE,
      List.of(new Match.Unknown("recent", "--rcheck")), new Target.Drop());

  static PortReach reach(List<IPAddress> reachable, List<IPAddress> possibly) {
    // Docker names containers with a leading '/': the proof matches the policy's name without it.
    Container mysql = new Container("id-mysql", "/mysql", "mysql:8", Map.of(), "bridge",
        List.of(), List.of(), List.of(), List.of());
    PublishedPort port = new PublishedPort(new IPAddressString("0.0.0.0").getAddress(), 3306, 3306, Transport.TCP,
        Optional.empty());
    List<Rule> unknown = possibly.isEmpty() ? List.of() : List.of(RECENT);
    return new PortReach(mysql, port, List.of(
        new SourceClass("eth0", IpFamily.V4, reachable, Verdict.REACHABLE, Optional.empty()),
        new SourceClass("eth0", IpFamily.V4, possibly, new Verdict.PossiblyReachable(unknown, List.of()), Optional.empty())),
        unknown, List.of());
  }

  @Test
  void holdsWhenOnlyTheAllowedSourcesReachAfter() {
    PolicyProof.Result result = PolicyProof.check(policy(Sources.of(prefixes("198.51.100.0/24"))),
        List.of(reach(prefixes("0.0.0.0/0"), List.of())), List.of(reach(prefixes("198.51.100.0/24"), List.of())));
    assertThat(result.holds()).isTrue();
    assertThat(result.ports().get(0).reachableBefore()).containsExactly("0.0.0.0/0");
    assertThat(result.ports().get(0).reachableAfter()).containsExactly("198.51.100.0/24");
  }

  @Test
  void failsWhenAnOutsideSourceStillReachesAndNamesIt() {
    PolicyProof.Result result = PolicyProof.check(policy(Sources.of(prefixes("198.51.100.0/24"))),
        List.of(reach(prefixes("0.0.0.0/0"), List.of())), List.of(reach(prefixes("198.51.100.0/23"), List.of())));
    assertThat(result.holds()).isFalse();
    assertThat(result.problems()).containsExactly(
        "0.0.0.0:3306/tcp (mysql): would still be reachable from 198.51.101.0/24, outside its allows (198.51.100.0/24)");
  }

  @Test
  void failsWhenAnUnmodelledRuleMightLetOthersIn() {
    PolicyProof.Result result = PolicyProof.check(policy(Sources.NONE),
        List.of(reach(prefixes("0.0.0.0/0"), List.of())), List.of(reach(List.of(), prefixes("10.0.0.0/8"))));
    assertThat(result.problems()).singleElement().asString().contains("possibly be reachable from 10.0.0.0/8")
        .endsWith("the engine cannot decide (filter/DOCKER-USER #1 (line 9) -A DOCKER-USER -m recent --rcheck -j DROP)");
  }

  @Test
  void failsWhenAnAllowedSourceLosesAccess() {
    PolicyProof.Result result = PolicyProof.check(policy(Sources.of(prefixes("198.51.100.0/24", "203.0.113.0/24"))),
        List.of(reach(prefixes("0.0.0.0/0"), List.of())), List.of(reach(prefixes("198.51.100.0/24"), List.of())));
    assertThat(result.problems()).containsExactly(
        "0.0.0.0:3306/tcp (mysql): allowed source 203.0.113.0/24 reaches it now and would not after the change");
  }

  @Test
  void anAllowedSourceThatNeverReachedIsNotTheChangesFault() {
    PolicyProof.Result result = PolicyProof.check(policy(Sources.ANY),
        List.of(reach(List.of(), List.of())), List.of(reach(List.of(), List.of())));
    assertThat(result.holds()).isTrue();
  }

  @Test
  void aPortTheEngineDidNotAnswerForCannotBeProved() {
    PolicyProof.Result result = PolicyProof.check(policy(Sources.ANY), List.of(), List.of());
    assertThat(result.problems()).singleElement().asString().contains("cannot be proved");
  }

  @Test
  void aLongSetIsSaidByWhatItLeavesOut() {
    List<IPAddress> allBut = AddressSets.minus(prefixes("::/0"), prefixes("2001:db8:1::66/128"));
    assertThat(allBut).hasSizeGreaterThan(100);
    assertThat(AddressText.describe(allBut)).isEqualTo("every IPv6 address except 2001:db8:1::66/128");
    List<IPAddress> scattered = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      scattered.add(new IPAddressString("198.18." + (2 * i) + ".0/24").getAddress());
    }
    assertThat(AddressText.describe(scattered)).isEqualTo("20 IPv4 prefixes from 198.18.0.0/24 to 198.18.38.0/24");
    assertThat(AddressText.describe(prefixes("10.0.0.0/8"))).isEqualTo("10.0.0.0/8");
  }

  @Test
  void addressSetArithmetic() {
    assertThat(AddressText.text(AddressSets.minus(prefixes("0.0.0.0/0", "::/0"), prefixes("128.0.0.0/1", "::/1"))))
        .isEqualTo("0.0.0.0/1, 8000::/1");
    assertThat(AddressText.text(AddressSets.intersect(prefixes("10.0.0.0/8"), prefixes("10.1.0.0/16", "11.0.0.0/8"))))
        .isEqualTo("10.1.0.0/16");
    assertThat(AddressText.text(AddressSets.union(prefixes("10.0.0.0/9", "10.128.0.0/9")))).isEqualTo("10.0.0.0/8");
  }

  /**
   * The shortcut watch proves with: the answer after decides alone exactly when the full check
   * holds even against the widest host before (everyone reached the port), and whenever it says
   * so the full check holds for every drawn answer before. Seeded draws over overlapping prefixes.
   */
  @Test
  void theAnswerAfterDecidesAloneExactlyWhenNoAnswerBeforeCanFailTheCheck() {
    List<IPAddress> pool = prefixes("198.51.100.0/24", "198.51.100.0/25", "198.51.100.128/25", "203.0.113.0/24",
        "203.0.113.7/32", "10.0.0.0/8", "0.0.0.0/0");
    java.util.Random random = new java.util.Random(20261202L);
    int decidedAlone = 0;
    int needsBefore = 0;
    for (int draw = 0; draw < 2_000; draw++) {
      Sources allowed = switch (random.nextInt(6)) {
        case 0 -> Sources.ANY;
        case 1 -> Sources.NONE;
        default -> Sources.of(pick(pool, random));
      };
      CompiledPolicy compiled = policy(allowed);
      List<PortReach> after = random.nextInt(12) == 0 ? List.of()
          : List.of(reach(pick(pool, random), random.nextInt(4) == 0 ? pick(pool, random) : List.of()));
      List<PortReach> before = List.of(reach(pick(pool, random), random.nextInt(4) == 0 ? pick(pool, random) : List.of()));
      boolean alone = PolicyProof.holdsForAnyBefore(compiled, after);
      boolean widest = PolicyProof.check(compiled, List.of(reach(prefixes("0.0.0.0/0"), List.of())), after).holds();
      assertThat(alone).as("draw %d: %s after %s", draw, allowed, after).isEqualTo(widest);
      if (alone) {
        assertThat(PolicyProof.check(compiled, before, after).holds()).as("draw %d", draw).isTrue();
        assertThat(PolicyProof.check(compiled, List.of(), after).holds()).isTrue();
        decidedAlone++;
      } else {
        needsBefore++;
      }
    }
    // Both sides are drawn often enough to mean something.
    assertThat(decidedAlone).isGreaterThan(100);
    assertThat(needsBefore).isGreaterThan(100);
  }

  private static List<IPAddress> pick(List<IPAddress> pool, java.util.Random random) {
    List<IPAddress> picked = new java.util.ArrayList<>();
    for (IPAddress prefix : pool) {
      if (random.nextInt(3) == 0) {
        picked.add(prefix);
      }
    }
    return picked;
  }
}
