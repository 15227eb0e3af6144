package dev.breakwater.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.policy.CommitSequence;
import dev.breakwater.policy.PolicyCompiler;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.snapshot.Corpus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-built switches between two policies on the dual-stack corpus host (8080 published over
 * IPv4 and IPv6), where one order of the two iptables commits passes through a state looser than
 * both ends, and the order (or hold) the transaction uses does not.
 */
class CommitWindowTest {
  static final ReachEngine ENGINE = new ReachabilityEngine();
  static final HostFacts HOST = Corpus.facts("docker-28-ipv6");

  static HostFacts applied(String policy) {
    return Plan.afterApply(HOST, PolicyCompiler.compile(HOST, PolicyFile.parse(policy, "p.yml")));
  }

  static final HostFacts V4_ONLY = applied("allow:\n  - port: 8080\n    from: 203.0.113.0/24\n");
  static final HostFacts V6_ONLY = applied("allow:\n  - port: 8080\n    from: 2001:db8::/32\n");
  static final HostFacts LOW_HALVES = applied("allow:\n  - port: 8080\n    from: [203.0.113.0/25, 2001:db8::/33]\n");
  static final HostFacts HIGH_HALVES = applied("allow:\n  - port: 8080\n    from: [203.0.113.128/25, 2001:db8:8000::/33]\n");
  static final HostFacts NOTHING = applied("default: deny\n");

  @Test
  void openingIpv4BeforeClosingIpv6IsAWindowAndTheOtherOrderIsNot() {
    assertThat(CommitWindow.changing(V6_ONLY, V4_ONLY)).containsExactly(IpFamily.V4, IpFamily.V6);

    CommitWindow.Result naive = CommitWindow.check(V6_ONLY, V4_ONLY, CommitSequence.direct(List.of(IpFamily.V4, IpFamily.V6)), ENGINE);
    assertThat(naive.holds()).isFalse();
    assertThat(naive.problems()).singleElement().asString()
        .contains("0.0.0.0:8080/tcp (web) from 203.0.113.0/24 (not before)")
        .contains("[::]:8080/tcp").contains("2001:db8::/32 (not after)");

    CommitWindow.Result tighteningFirst = CommitWindow.check(V6_ONLY, V4_ONLY, CommitSequence.direct(List.of(IpFamily.V6, IpFamily.V4)), ENGINE);
    assertThat(tighteningFirst.problems()).isEmpty();
    assertThat(CommitWindow.choose(V6_ONLY, V4_ONLY, ENGINE).sequence()).isEqualTo(tighteningFirst.sequence());
    // and the way back: IPv6 opens, IPv4 closes, so IPv4 goes first
    assertThat(CommitWindow.choose(V4_ONLY, V6_ONLY, ENGINE).sequence()).isEqualTo(CommitSequence.direct(List.of(IpFamily.V4, IpFamily.V6)));
  }

  @Test
  void whenBothFamiliesChangeWhomTheyLetInNoOrderWorksAndTheHoldDoes() {
    for (List<IpFamily> order : List.of(List.of(IpFamily.V4, IpFamily.V6), List.of(IpFamily.V6, IpFamily.V4))) {
      assertThat(CommitWindow.check(LOW_HALVES, HIGH_HALVES, CommitSequence.direct(order), ENGINE).holds()).as(order.toString()).isFalse();
    }
    CommitSequence holding = CommitSequence.holding(List.of(IpFamily.V4, IpFamily.V6));
    assertThat(CommitWindow.intermediates(LOW_HALVES, HIGH_HALVES, holding)).hasSize(2);
    assertThat(CommitWindow.check(LOW_HALVES, HIGH_HALVES, holding, ENGINE).problems()).isEmpty();
    assertThat(CommitWindow.choose(LOW_HALVES, HIGH_HALVES, ENGINE).sequence()).isEqualTo(holding);
  }

  @Test
  void theHoldIsSafeWhateverTheEndsAreSoRollbackCanUseItBlind() {
    List<HostFacts> ends = List.of(HOST, V4_ONLY, V6_ONLY, LOW_HALVES, HIGH_HALVES, NOTHING);
    for (HostFacts from : ends) {
      for (HostFacts to : ends) {
        List<IpFamily> changing = CommitWindow.changing(from, to);
        CommitWindow.Result result = CommitWindow.check(from, to, CommitSequence.holding(changing), ENGINE);
        assertThat(result.problems()).as(changing + " " + from.ipv4().source() + " -> " + to.ipv4().source()).isEmpty();
      }
    }
  }

  @Test
  void theFirstApplyOntoABareHostNeedsNoHold() {
    // Docker's rules let everyone in: every change from there tightens, any direct order is fine.
    CommitWindow.Result result = CommitWindow.choose(HOST, LOW_HALVES, ENGINE);
    assertThat(result.holds()).isTrue();
    assertThat(result.sequence().steps()).noneMatch(CommitSequence.Step::hold);
  }
}
