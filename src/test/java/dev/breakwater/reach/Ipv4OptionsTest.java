package dev.breakwater.reach;

import static dev.breakwater.reach.HostFixture.host;
import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.RulesetParseException;
import dev.breakwater.netfilter.TableName;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * IPv4 options are the sender's choice (xt_ipv4options, ExtensionHeaders): a plain connection
 * carries none, a crafted SYN any; a rule on them narrows or widens the answer, never makes it
 * "possibly".
 */
class Ipv4OptionsTest {
  private static final int RR = 1 << 7;

  /** A host whose IPv4 INPUT (policy DROP) has {@code rules}; ssh on port 22. */
  private static Reachability hostWithInput(String rules) {
    String v4 = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n" + rules + "COMMIT\n";
    return Reachability.of(host(RulesetFixture.parse(v4, IpFamily.V4), Optional.empty()));
  }

  private static Packet ssh() {
    return new Packet(ip("203.0.113.7"), ip(HostFixture.HOST_V4), Transport.TCP, 50000, 22, "eth0");
  }

  private static Trace best(Reachability r) {
    return r.traceChoosing(ssh(), true, true);
  }

  private static List<Match> matchesOf(String options) {
    String v4 = "*filter\n:INPUT DROP [0:0]\n-A INPUT " + options + " -j DROP\nCOMMIT\n";
    Rule rule = RulesetFixture.parse(v4, IpFamily.V4).chain(TableName.FILTER, "INPUT").orElseThrow().rules().get(0);
    return rule.matches();
  }

  @Test
  void aDropOfPacketsWithAnOptionBlocksNothing() {
    Reachability r = hostWithInput("-A INPUT -m ipv4options --flags 7 -j DROP\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n");

    Trace t = best(r);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.packet().headers()).isEqualTo(ExtensionHeaders.NONE);
    assertThat(t.needs()).isEmpty();
  }

  @Test
  void anAcceptOfPacketsWithAnOptionLetsInASenderThatAddsIt() {
    Reachability r = hostWithInput("-A INPUT -p tcp -m tcp --dport 22 -m ipv4options --flags record-route -j ACCEPT\n");

    // The plain SYN is dropped, exactly...
    assertThat(r.trace(ssh()).verdict().label()).isEqualTo("blocked");
    // ...but a SYN carrying record-route gets in: the answer says what the sender must add.
    Trace t = best(r);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.packet().headers().ipv4Options() & RR).isEqualTo(RR);
    assertThat(t.needs()).singleElement().satisfies(n -> assertThat(n.describe()).contains("IPv4 option 7"));
  }

  @Test
  void theOldSyntaxReadsTheSame() {
    Reachability r = hostWithInput("-A INPUT -m ipv4options ! --any-opt -j DROP\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n");

    assertThat(r.trace(ssh()).verdict().label()).isEqualTo("blocked");
    Trace t = best(r);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.packet().headers().ipv4Options()).isNotZero();
  }

  @Test
  void sourceRoutingIsDroppedByTheStackSoAnAcceptOfItLetsNobodyIn() {
    Reachability r = hostWithInput("-A INPUT -p tcp -m tcp --dport 22 -m ipv4options --ssrr -j ACCEPT\n"
        + "-A INPUT -p tcp -m tcp --dport 22 -m ipv4options --lsrr -j ACCEPT\n");

    Trace t = best(r);
    assertThat(t.verdict().label()).isEqualTo("blocked");
  }

  @Test
  void aNoSourceRouteDropDropsEveryPacketTheHostWouldAnswer() {
    Reachability r = hostWithInput("-A INPUT -m ipv4options --no-srr -j DROP\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n");

    assertThat(best(r).verdict().label()).isEqualTo("blocked");
  }

  @Test
  void moreOptionsThanTheHeaderHoldsCannotBeSent() {
    StringBuilder numbers = new StringBuilder();
    for (int n = 1; n <= 21; n++) {
      numbers.append(n == 1 ? "" : ",").append(n);
    }
    Reachability r = hostWithInput("-A INPUT -p tcp -m tcp --dport 22 -m ipv4options --flags " + numbers + " -j ACCEPT\n");

    assertThat(best(r).verdict().label()).isEqualTo("blocked");
    // Twenty fit.
    Reachability twenty = hostWithInput("-A INPUT -p tcp -m tcp --dport 22 -m ipv4options --flags "
        + numbers.substring(0, numbers.lastIndexOf(",")) + " -j ACCEPT\n");
    assertThat(best(twenty).verdict().label()).isEqualTo("reachable");
  }

  @Test
  void inANatOrForwardPathAnExposureIsExactWithTheChoiceNamed() {
    String user = "-A DOCKER-USER -i eth0 -m ipv4options --flags 20 -j RETURN\n-A DOCKER-USER -i eth0 -j DROP\n";
    var mysql = HostFixture.container("mysql", "172.17.0.2", HostFixture.port("0.0.0.0", 3306, 3306, "172.17.0.2"));
    PortReach e = Reachability.of(host(RulesetFixture.parse(Layouts.docker20("", 3306, 3306, user), IpFamily.V4),
        Optional.empty(), mysql)).exposures().get(0);

    assertThat(e.exact()).isTrue();
    assertThat(e.reachableFrom()).extracting(Object::toString).containsExactly("0.0.0.0/0");
    assertThat(e.classes().get(0).needs()).singleElement()
        .satisfies(n -> assertThat(n.describe()).contains("IPv4 option 20"));
  }

  @Test
  void parsesBothSyntaxesIntoMasks() {
    assertThat(matchesOf("-m ipv4options --flags 7,!68")).containsExactly(
        new Match.Ipv4Options(RR | 1 << 4, 1 << 4, false, "--flags 7,!68"));
    assertThatThrownBy(() -> matchesOf("-m ipv4options --flags 0")).isInstanceOf(RulesetParseException.class)
        .hasMessageContaining("IPv4 option numbers 1-255");
    assertThat(matchesOf("-m ipv4options --flags record-route,!timestamp --any")).containsExactly(
        new Match.Ipv4Options(RR | 1 << 4, 1 << 4, true, "--flags record-route,!timestamp --any"));
    assertThat(matchesOf("-m ipv4options --rr ! --ts")).containsExactly(
        new Match.Ipv4Options(RR, 0, false, "--rr ! --ts"), new Match.Ipv4Options(1 << 4, 1 << 4, false, "--rr ! --ts"));
    assertThat(matchesOf("-m ipv4options --bogus")).singleElement().isInstanceOf(Match.Unknown.class);
  }

  @Test
  void optionStatesTellApartWhatTheTestsCanSee() {
    // One test on 7 and one on every number: classes {7} and the rest (none, one, all-but-too-many).
    List<ExtensionHeaders> states = ChoiceSearch.ipv4States(Set.of(
        ExtensionHeaders.ipv4Key(new Match.Ipv4Options(RR, 0, false, "")),
        ExtensionHeaders.ipv4Key(new Match.Ipv4Options(0xffffffff, 0, true, ""))));
    assertThat(states.get(0)).isEqualTo(ExtensionHeaders.NONE);
    assertThat(states).extracting(ExtensionHeaders::ipv4Options).containsExactlyInAnyOrder(0, RR, 1, RR | 1);
  }
}
