package dev.breakwater.reach;

import static dev.breakwater.reach.HostFixture.host;
import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Match.HeaderKind;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * IPv6 extension headers are the sender's choice: a match on them narrows or widens the answer
 * exactly, never makes it "possibly" (docs/reach.md, "The sender's choices").
 */
class ExtensionHeaderTest {
  private static final String STRANGER = "2001:db8:99::7";

  /** A host whose IPv6 INPUT (policy DROP) has {@code rules}; ssh on port 22. */
  private static Reachability hostWithInput(String rules) {
    String v4 = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
    String v6 = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n" + rules + "COMMIT\n";
    return Reachability.of(host(RulesetFixture.parse(v4, IpFamily.V4), Optional.of(RulesetFixture.parse(v6, IpFamily.V6))));
  }

  private static Packet ssh(String destination) {
    return new Packet(ip(STRANGER), ip(destination), Transport.TCP, 50000, 22, "eth0");
  }

  private static Trace best(Reachability r) {
    return r.traceChoosing(ssh(HostFixture.HOST_V6), true, true);
  }

  @Test
  void ufwsRoutingHeaderDropNoLongerMakesTheAnswerPossibly() {
    Reachability r = hostWithInput("-A INPUT -m rt --rt-type 0 -j DROP\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n");

    assertThat(r.trace(ssh(HostFixture.HOST_V6)).verdict().label()).isEqualTo("reachable");
    Trace t = best(r);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.packet().headers()).isEqualTo(ExtensionHeaders.NONE);
    // A plain SYN gets through: that RH0 is dropped is no condition worth saying.
    assertThat(t.needs()).isEmpty();
  }

  @Test
  void aUfwIpv6DumpFromTheCorpusGivesAnExactAnswerForSsh() {
    Reachability r = Reachability.of(SnapshotDirectory.read(Corpus.root().resolve("docker-28-ipv6")));

    Trace t = r.traceChoosing(ssh("2001:db8:10::10"), true, true);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.needs()).isEmpty();
    assertThat(t.decidedBy().orElseThrow().text()).contains("--dport 22");
    // The RH0 rule is on the way, and it was evaluated, not guessed.
    assertThat(r.trace(ssh("2001:db8:10::10")).verdict().label()).isEqualTo("reachable");
  }

  @Test
  void anAcceptOnlyForARoutingHeaderLetsInTheSenderThatSendsOne() {
    Reachability r = hostWithInput("-A INPUT -p tcp -m rt --rt-type 0 -m tcp --dport 22 -j ACCEPT\n");

    assertThat(r.trace(ssh(HostFixture.HOST_V6)).verdict().label()).isEqualTo("blocked");
    Trace t = best(r);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.packet().headers().present()).containsExactly(HeaderKind.ROUTING);
    assertThat(t.needs()).hasSize(1);
    assertThat(t.needs().get(0).describe()).isEqualTo("only with an IPv6 routing header whose fields match --rt-type 0");
  }

  @Test
  void aRoutingHeaderWithoutOptionsMatchesWhateverItsFields() {
    Reachability r = hostWithInput("-A INPUT -m rt -j ACCEPT\n");

    Trace t = best(r);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.needs()).extracting(AttackerChoice::describe).containsExactly("only with an IPv6 routing header");
  }

  @Test
  void aNegatedFieldTestStillNeedsTheHeader() {
    // ip6t_rt returns false when there is no routing header: "!" inverts only --rt-type.
    Reachability r = hostWithInput("-A INPUT -m rt ! --rt-type 0 -j ACCEPT\n");

    assertThat(r.trace(ssh(HostFixture.HOST_V6)).verdict().label()).isEqualTo("blocked");
    assertThat(best(r).needs()).extracting(AttackerChoice::describe)
        .containsExactly("only with an IPv6 routing header whose fields match ! --rt-type 0");
  }

  @Test
  void ipv6headerSoftNeedsTheNamedHeaders() {
    Reachability r = hostWithInput("-A INPUT -m ipv6header --header hop,dst --soft -j ACCEPT\n");

    Trace t = best(r);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.packet().headers().present()).containsExactlyInAnyOrder(HeaderKind.HOP_BY_HOP, HeaderKind.DESTINATION_OPTIONS);
    assertThat(t.needs()).extracting(AttackerChoice::describe)
        .containsExactly("only with an IPv6 hop-by-hop options header and an IPv6 destination options header");
  }

  @Test
  void ipv6headerHardModeComparesTheWholeSet() {
    // Exactly the upper-layer header: the plain packet; anything with an extension header is not.
    Reachability exactly = hostWithInput("-A INPUT -m ipv6header --header prot -j ACCEPT\n");
    assertThat(exactly.trace(ssh(HostFixture.HOST_V6)).verdict().label()).isEqualTo("reachable");

    Reachability notPlain = hostWithInput("-A INPUT -m ipv6header ! --header prot -j ACCEPT\n");
    assertThat(notPlain.trace(ssh(HostFixture.HOST_V6)).verdict().label()).isEqualTo("blocked");
    Trace t = best(notPlain);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.needs()).isNotEmpty();
    assertThat(t.needs()).allSatisfy(c -> assertThat(c.headers()).doesNotContain(ExtensionHeaders.NONE).isNotEmpty());
  }

  @Test
  void ipv6headerSoftNegatedDropsEveryPacketWithTheHeader() {
    Reachability r = hostWithInput("-A INPUT -m ipv6header ! --header frag --soft -j ACCEPT\n");

    Trace t = best(r);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.needs()).isEmpty();
    assertThat(t.packet().headers()).isEqualTo(ExtensionHeaders.NONE);
  }

  @Test
  void authenticationAndEspAreNoChoiceWithoutTheHostsKeys() {
    Reachability r = hostWithInput("-A INPUT -m ah --ahspi 1:65535 -j ACCEPT\n-A INPUT -p esp -m esp --espspi 500 -j ACCEPT\n"
        + "-A INPUT -m ipv6header --header auth --soft -j ACCEPT\n");

    Trace t = best(r);
    assertThat(t.verdict().label()).isEqualTo("blocked");
    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
  }

  @Test
  void twoFieldTestsOnOneHeaderAreTriedInEveryCombination() {
    Reachability r = hostWithInput("-A INPUT -m rt --rt-type 0 -j DROP\n-A INPUT -m rt --rt-type 253 -j ACCEPT\n");

    Trace t = best(r);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.needs()).extracting(AttackerChoice::describe).containsExactly(
        "only with an IPv6 routing header whose fields do not match --rt-type 0 and match --rt-type 253");
  }

  @Test
  void headerStatesStartWithThePlainPacket() {
    Packet template = ssh(HostFixture.HOST_V6);
    List<ExtensionHeaders> states = ChoiceSearch.headerStates(template, true,
        Set.of(ExtensionHeaders.key(HeaderKind.ROUTING, "--rt-type 0"), ExtensionHeaders.key(HeaderKind.HOP_BY_HOP, "")));

    assertThat(states.get(0)).isEqualTo(ExtensionHeaders.NONE);
    // Hop-by-hop absent/present x routing absent/present-matching/present-not.
    assertThat(states).hasSize(6).doesNotHaveDuplicates();
  }
}
