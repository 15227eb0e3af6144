package dev.breakwater.reach;

import static dev.breakwater.reach.HostFixture.HOST_V4;
import static dev.breakwater.reach.HostFixture.container;
import static dev.breakwater.reach.HostFixture.host;
import static dev.breakwater.reach.HostFixture.port;
import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Rule;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Concrete traces: the traversal semantics of netfilter, one rule at a time. */
class TraceTest {
  private static final String OUTSIDER = "198.51.100.7";
  private static final Container MYSQL = container("mysql", "172.17.0.2", port("0.0.0.0", 3306, 3306, "172.17.0.2"));

  private static Reachability hostWith(String rules) {
    return Reachability.of(host(RulesetFixture.parse(rules, IpFamily.V4), Optional.empty(), MYSQL));
  }

  private static Trace tcp(Reachability r, String destination, int port) {
    return r.trace(new Packet(ip(OUTSIDER), ip(destination), Transport.TCP, 50000, port, "eth0"));
  }

  private static Trace tcp(String rules, String destination, int port) {
    return tcp(hostWith(rules), destination, port);
  }

  private static String decided(Trace t) {
    return t.decidedBy().map(Rule::text).orElse(t.decision());
  }

  /** nat DNATs 3306 to mysql; filter/FORWARD is {@code forward}, with policy {@code policy}. */
  private static String forwardOnly(String policy, String chains, String forward) {
    return """
        *nat
        :PREROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A DOCKER ! -i docker0 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 172.17.0.2:3306
        COMMIT
        *filter
        :INPUT DROP [0:0]
        :FORWARD %s [0:0]
        :OUTPUT ACCEPT [0:0]
        %s%sCOMMIT
        """.formatted(policy, chains, forward);
  }

  @Test
  void thePathListsEveryMatchedRuleInOrderWithNatRoutingAndDelivery() {
    Trace t = tcp(Layouts.docker20("", 3306, 3306, ""), HOST_V4, 3306);

    assertThat(t.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(t.path()).extracting(TraceStep::describe).containsExactly(
        "PREROUTING: nat/PREROUTING #1 (line 7): -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
        "PREROUTING: nat/DOCKER #2 (line 11): -A DOCKER ! -i docker0 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 172.17.0.2:3306",
        "routing: forward out of docker0 (route 172.17.0.0/16 dev docker0)",
        "FORWARD: filter/FORWARD #1 (line 25): -A FORWARD -j DOCKER-USER",
        "FORWARD: filter/DOCKER-USER #1 (line 38): -A DOCKER-USER -j RETURN",
        "FORWARD: filter/FORWARD #2 (line 26): -A FORWARD -j DOCKER-ISOLATION-STAGE-1",
        "FORWARD: filter/DOCKER-ISOLATION-STAGE-1 #2 (line 35): -A DOCKER-ISOLATION-STAGE-1 -j RETURN",
        "FORWARD: filter/FORWARD #4 (line 28): -A FORWARD -o docker0 -j DOCKER",
        "FORWARD: filter/DOCKER #1 (line 33): -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 3306 -j ACCEPT",
        // The SYN-ACK, back from the container: Docker's "-i docker0 ! -o docker0 -j ACCEPT" lets it out.
        "answer: tcp 172.17.0.2:3306 -> 198.51.100.7:50000 (SYN-ACK, ctstate ESTABLISHED), arriving on docker0",
        "routing: answer: forward out of eth0 (route 0.0.0.0/0 dev eth0)",
        "answer FORWARD: filter/FORWARD #1 (line 25): -A FORWARD -j DOCKER-USER",
        "answer FORWARD: filter/DOCKER-USER #1 (line 38): -A DOCKER-USER -j RETURN",
        "answer FORWARD: filter/FORWARD #2 (line 26): -A FORWARD -j DOCKER-ISOLATION-STAGE-1",
        "answer FORWARD: filter/DOCKER-ISOLATION-STAGE-1 #1 (line 34): -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2",
        "answer FORWARD: filter/DOCKER-ISOLATION-STAGE-2 #2 (line 37): -A DOCKER-ISOLATION-STAGE-2 -j RETURN",
        "answer FORWARD: filter/DOCKER-ISOLATION-STAGE-1 #2 (line 35): -A DOCKER-ISOLATION-STAGE-1 -j RETURN",
        "answer FORWARD: filter/FORWARD #5 (line 29): -A FORWARD -i docker0 ! -o docker0 -j ACCEPT");
    assertThat(t.nat()).hasValueSatisfying(n -> assertThat(n.describe())
        .isEqualTo("DNAT 192.0.2.10:3306 -> 172.17.0.2:3306 by nat/DOCKER #2 (line 11)"));
    assertThat(t.delivery()).hasValueSatisfying(d -> assertThat(d.describe())
        .isEqualTo("container mysql at 172.17.0.2:3306 via docker0"));
    assertThat(t.decision()).isEqualTo("filter/DOCKER #1 (line 33) ACCEPT");
  }

  @Test
  void gotoThenReturnGoesBackToTheChainThatJumped() {
    String rules = forwardOnly("DROP", ":A - [0:0]\n:B - [0:0]\n", """
        -A FORWARD -j A
        -A FORWARD -j ACCEPT
        -A A -g B
        -A A -j DROP
        -A B -j RETURN
        """);
    Trace t = tcp(rules, HOST_V4, 3306);

    assertThat(t.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(decided(t)).isEqualTo("-A FORWARD -j ACCEPT");
    assertThat(t.path()).noneSatisfy(s -> assertThat(s.describe()).contains("-A A -j DROP"));
  }

  @Test
  void returnInABuiltinChainAndTheEndOfItApplyThePolicy() {
    Trace returned = tcp(forwardOnly("DROP", "", "-A FORWARD -j RETURN\n-A FORWARD -j ACCEPT\n"), HOST_V4, 3306);
    assertThat(returned.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(returned.decidedBy()).isEmpty();
    assertThat(returned.path().get(returned.path().size() - 1)).isInstanceOfSatisfying(TraceStep.PolicyApplied.class,
        p -> assertThat(p.describe()).isEqualTo("FORWARD: filter/FORWARD policy DROP"));

    Trace fellOff = tcp(forwardOnly("ACCEPT", ":A - [0:0]\n", "-A FORWARD -j A\n-A A -s 10.0.0.0/8 -j DROP\n"), HOST_V4, 3306);
    assertThat(fellOff.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(fellOff.decision()).isEqualTo("filter/FORWARD policy ACCEPT");
  }

  @Test
  void aJumpCycleEndsAsPossiblyInsteadOfLooping() {
    String rules = forwardOnly("DROP", ":A - [0:0]\n:B - [0:0]\n", "-A FORWARD -j A\n-A A -j B\n-A B -j A\n");
    Trace t = tcp(rules, HOST_V4, 3306);

    assertThat(t.verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
        p -> assertThat(p.uncertainBecause()).extracting(Rule::text).containsExactly("-A B -j A"));
  }

  @Test
  void aGotoCycleEndsAsPossiblyInsteadOfLooping() {
    String rules = forwardOnly("DROP", ":A - [0:0]\n:B - [0:0]\n", "-A FORWARD -j A\n-A A -g B\n-A B -g A\n");
    Trace t = tcp(rules, HOST_V4, 3306);

    assertThat(t.verdict()).isInstanceOf(Verdict.PossiblyReachable.class);
  }

  @Test
  void aMissingFilterTableWhilePortsArePublishedIsPossiblyAndSaysSo() {
    // Issue 11: a dump without *filter while Docker publishes ports is partial (a paste cut at a
    // table, an 'iptables-save -t nat'): never exact. It once answered "no filter table: accepted".
    String natOnly = """
        *nat
        :PREROUTING ACCEPT [0:0]
        -A PREROUTING -p tcp -m tcp --dport 3306 -j DNAT --to-destination 172.17.0.2:3306
        COMMIT
        """;
    Trace t = tcp(natOnly, HOST_V4, 3306);

    assertThat(t.verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
        p -> assertThat(p.reasons()).anyMatch(r -> r.startsWith("the filter table is not in the dump")));
  }

  @Test
  void anUnknownTargetThatDecidesIsPossiblyAndNamed() {
    Trace t = tcp(forwardOnly("ACCEPT", "", "-A FORWARD -i eth0 -j TARPIT\n"), HOST_V4, 3306);

    assertThat(t.verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
        p -> assertThat(p.uncertainBecause()).extracting(Rule::text).containsExactly("-A FORWARD -i eth0 -j TARPIT"));
    assertThat(t.verdict().label()).isEqualTo("possibly-reachable");
  }

  @Test
  void anUnknownMatchWhoseBranchesAgreeStaysExact() {
    // Whether -m time matches or not, the next rule accepts.
    Trace t = tcp(forwardOnly("DROP", "", "-A FORWARD -m time --timestart 09:00 -j ACCEPT\n-A FORWARD -j ACCEPT\n"),
        HOST_V4, 3306);

    assertThat(t.verdict()).isEqualTo(Verdict.REACHABLE);
  }

  @Test
  void ctstateDnatMatchesOnlyTranslatedConnections() {
    Reachability r = hostWith(forwardOnly("DROP", "", "-A FORWARD -m conntrack --ctstate DNAT -j ACCEPT\n"));

    assertThat(tcp(r, HOST_V4, 3306).verdict()).isEqualTo(Verdict.REACHABLE);
    // Straight to the container address: no DNAT happened.
    assertThat(tcp(r, "172.17.0.2", 3306).verdict()).isEqualTo(Verdict.BLOCKED);
  }

  @Test
  void ctorigdstAndCtorigdstportSeeThePacketBeforeDnat() {
    String rules = forwardOnly("ACCEPT", "", """
        -A FORWARD -m conntrack --ctorigdst 192.0.2.10/32 --ctorigdstport 3306 --ctdir ORIGINAL -j DROP
        """);
    Trace t = tcp(rules, HOST_V4, 3306);

    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(decided(t)).contains("--ctorigdst 192.0.2.10/32");
  }

  @Test
  void aDestinationAddressTestAfterDnatIsHintedWithCtorigdst() {
    String user = "-A DOCKER-USER -d 192.0.2.10/32 -p tcp -j DROP\n";
    Trace t = tcp(Layouts.docker20("", 3306, 3306, user), HOST_V4, 3306);

    assertThat(t.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(t.hints()).anySatisfy(h -> {
      assertThat(h.code()).isEqualTo("daddr-after-dnat");
      assertThat(h.rule().text()).isEqualTo("-A DOCKER-USER -d 192.0.2.10/32 -p tcp -j DROP");
      assertThat(h.message()).contains("--ctorigdst 192.0.2.10 --ctdir ORIGINAL");
    });
  }

  @Test
  void aRuleThatWouldNotHaveMatchedEitherGetsNoDnatHint() {
    // -i docker0 never matches traffic from outside, before or after DNAT.
    String user = "-A DOCKER-USER -i docker0 -p tcp -m tcp --dport 3306 -j DROP\n";
    Trace t = tcp(Layouts.docker20("", 3306, 80, user), HOST_V4, 3306);

    assertThat(t.hints()).extracting(Hint::code).doesNotContain("dport-after-dnat", "daddr-after-dnat");
  }

  @Test
  void theFirstPacketIsASyn() {
    // "! --syn" of NEW packets only: a bare one would drop the SYN-ACK coming back (answerTest below).
    Reachability notSyn = hostWith(forwardOnly("ACCEPT", "", "-A FORWARD -p tcp ! --syn -m conntrack --ctstate NEW -j DROP\n"));
    Reachability syn = hostWith(forwardOnly("ACCEPT", "", "-A FORWARD -p tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP\n"));

    assertThat(tcp(notSyn, HOST_V4, 3306).verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(tcp(syn, HOST_V4, 3306).verdict()).isEqualTo(Verdict.BLOCKED);
  }

  @Test
  void redirectDeliversLocallyWhereInputDecides() {
    String rules = """
        *nat
        :PREROUTING ACCEPT [0:0]
        -A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8080
        COMMIT
        *filter
        :INPUT DROP [0:0]
        :FORWARD DROP [0:0]
        -A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT
        COMMIT
        """;
    Trace t = tcp(rules, HOST_V4, 80);

    assertThat(t.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(t.delivery()).contains(new Delivery.HostSocket(ip(HOST_V4), 8080));
    assertThat(t.hints()).isEmpty();
  }

  @Test
  void addrtypeWithLimitIfaceInOnlyCountsAddressesOfTheIncomingInterface() {
    String rules = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL --limit-iface-in -j DOCKER
        -A DOCKER ! -i docker0 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 172.17.0.2:3306
        COMMIT
        """;
    Reachability r = hostWith(rules);

    assertThat(tcp(r, HOST_V4, 3306).nat()).isPresent();
    // 172.17.0.1 is the host's, but on docker0: UNICAST for a packet that came in on eth0.
    Trace viaDockerAddress = tcp(r, "172.17.0.1", 3306);
    assertThat(viaDockerAddress.nat()).isEmpty();
    assertThat(viaDockerAddress.delivery()).containsInstanceOf(Delivery.HostSocket.class);
  }

  @Test
  void aUdpPacketIsNotMatchedByTcpRules() {
    Reachability r = hostWith(Layouts.docker20("", 3306, 3306, ""));
    Trace t = r.trace(new Packet(ip(OUTSIDER), ip(HOST_V4), Transport.UDP, 50000, 3306, "eth0"));

    assertThat(t.nat()).isEmpty();
    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(t.decision()).isEqualTo("filter/INPUT policy DROP");
  }

  @Test
  void aLoopbackDestinationFromOutsideWithoutNatIsAMartian() {
    Trace t = tcp(forwardOnly("ACCEPT", "", ""), "127.0.0.1", 22);

    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(t.path()).anySatisfy(s -> assertThat(s.describe()).contains("martian"));
  }

  @Test
  void dropWithoutEstablishedReturnIsHintedAndTheFixedOrderIsNot() {
    String bare = "-A DOCKER-USER -i eth0 -j DROP\n";
    String fixed = "-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n" + bare;

    Trace broken = tcp(Layouts.docker20("", 3306, 3306, bare), HOST_V4, 3306);
    Trace fine = tcp(Layouts.docker20("", 3306, 3306, fixed), HOST_V4, 3306);

    assertThat(broken.hints()).extracting(Hint::code).contains("drop-without-established");
    assertThat(fine.hints()).extracting(Hint::code).doesNotContain("drop-without-established");
    assertThat(List.of(broken.verdict(), fine.verdict())).containsOnly(Verdict.BLOCKED);
  }

  @Test
  void aBanListOrAServicePortDropDoesNotBreakReplies() {
    String banList = "-A DOCKER-USER -i eth0 -s 198.51.100.0/24 -j DROP\n";
    String servicePort = "-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 3306 -j DROP\n";
    String allowList = "-A DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP\n";

    assertThat(tcp(Layouts.docker20("", 3306, 3306, banList), HOST_V4, 3306).hints())
        .extracting(Hint::code).doesNotContain("drop-without-established");
    assertThat(tcp(Layouts.docker20("", 3306, 3306, servicePort), HOST_V4, 3306).hints())
        .extracting(Hint::code).doesNotContain("drop-without-established");
    assertThat(tcp(Layouts.docker20("", 3306, 3306, allowList), HOST_V4, 3306).hints())
        .extracting(Hint::code).contains("drop-without-established");
  }

  /** nat DNATs 8000-9000 with {@code to}; the FORWARD policy accepts; {@code mangle} is the mangle table's rules. */
  private static String rangeDnat(String to, String mangle) {
    return """
        *mangle
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :BW-POST - [0:0]
        %sCOMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING ! -i docker0 -p tcp -m tcp --dport 8000:9000 -j DNAT --to-destination %s
        -A POSTROUTING -s 198.51.100.0/24 ! -o docker0 -j MASQUERADE
        -A POSTROUTING -o docker0 -j MASQUERADE
        COMMIT
        *filter
        :INPUT DROP [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        COMMIT
        """.formatted(mangle, to);
  }

  @Test
  void aPortRangeDnatKeepsAPortInsideTheRangeAndMapsOneOutsideToItsFirstPort() {
    assertThat(tcp(rangeDnat("172.17.0.2:8000-9000", ""), HOST_V4, 8080).nat())
        .hasValueSatisfying(n -> assertThat(n.toPort()).isEqualTo(8080));
    assertThat(tcp(rangeDnat("172.17.0.2:80-90", ""), HOST_V4, 8080).nat())
        .hasValueSatisfying(n -> assertThat(n.toPort()).isEqualTo(80));
    // A base port (MIN-MAX/BASE) shifts every port: 80 + (8080 - 8000) % 11.
    assertThat(tcp(rangeDnat("172.17.0.2:80-90/8000", ""), HOST_V4, 8080).nat())
        .hasValueSatisfying(n -> assertThat(n.toPort()).isEqualTo(80 + 80 % 11));
  }

  @Test
  void aRandomPortRangeDnatIsPossiblyReachableWhenThePortDecides() {
    Trace t = tcp(rangeDnat("172.17.0.2:8000-9000 --random",
        "-A FORWARD -p tcp -m tcp --dport 8000 -j DROP\n"), HOST_V4, 8080);

    assertThat(t.verdict().label()).isEqualTo("possibly-reachable");
  }

  @Test
  void aForwardedPacketMeetsManglePostroutingAfterFilterAcceptedIt() {
    Trace t = tcp(rangeDnat("172.17.0.2:8000-9000", "-A POSTROUTING -o docker0 -p tcp -m tcp --dport 8080 -j DROP\n"),
        HOST_V4, 8080);

    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(decided(t)).isEqualTo("-A POSTROUTING -o docker0 -p tcp -m tcp --dport 8080 -j DROP");
    assertThat(t.path()).last().extracting(TraceStep::describe).asString().startsWith("POSTROUTING: mangle/POSTROUTING #1");
  }

  @Test
  void masqueradeInNatPostroutingChangesNoVerdict() {
    Trace t = tcp(rangeDnat("172.17.0.2:8000-9000", ""), HOST_V4, 8080);

    assertThat(t.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(decided(t)).isEqualTo("filter/FORWARD policy ACCEPT");
    assertThat(t.path()).extracting(TraceStep::describe)
        .contains("POSTROUTING: nat/POSTROUTING #2 (line 16): -A POSTROUTING -o docker0 -j MASQUERADE");
  }

  @Test
  void postroutingHasNoInputInterface() {
    // POST_ROUTING passes no input device: "-i eth0" fails there and "! -i eth0" holds.
    String mangle = "-A POSTROUTING -j BW-POST\n-A BW-POST -i eth0 -j RETURN\n-A BW-POST ! -i eth0 -j DROP\n";
    Trace t = tcp(rangeDnat("172.17.0.2:8000-9000", mangle), HOST_V4, 8080);

    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(decided(t)).isEqualTo("-A BW-POST ! -i eth0 -j DROP");
  }

  @Test
  void aLocallyDeliveredPacketEndsAtInput() {
    // No DNAT for 22: delivered to the host, INPUT's verdict is the answer; POSTROUTING never sees it.
    Trace t = tcp(rangeDnat("172.17.0.2:8000-9000", "-A POSTROUTING -j DROP\n-A INPUT -j ACCEPT\n"), HOST_V4, 22);

    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(decided(t)).isEqualTo("filter/INPUT policy DROP");
  }

  @Test
  void aDnatToAnAddressRangeIsPossiblyReachableWhenTheMemberDecides() {
    // The kernel hashes the source and destination to pick the member: which one is not modelled.
    Trace t = tcp(rangeDnat("172.17.0.2-172.17.0.3:8080",
        "-A FORWARD -d 172.17.0.3/32 -j DROP\n"), HOST_V4, 8080);

    assertThat(t.verdict().label()).isEqualTo("possibly-reachable");
    assertThat(tcp(rangeDnat("172.17.0.2-172.17.0.3:8080", ""), HOST_V4, 8080).verdict()).isEqualTo(Verdict.REACHABLE);
  }
}
