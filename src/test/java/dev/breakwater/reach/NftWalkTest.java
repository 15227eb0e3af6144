package dev.breakwater.reach;

import static dev.breakwater.reach.HostFixture.HOST_V4;
import static dev.breakwater.reach.HostFixture.container;
import static dev.breakwater.reach.HostFixture.host;
import static dev.breakwater.reach.HostFixture.port;
import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.BaseChain;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Hook;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.NftFamily;
import dev.breakwater.netfilter.NftTable;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.Target;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The walk over nft base chains beside iptables' tables: every base chain of a hook in priority
 * order, accept ending only its own chain, the NAT core's order, conntrack's place, marks. The
 * layout is Docker 29's nftables backend (moby's nftablesdoc usernet-portmap, by hand); the
 * reader's own tests read the real JSON.
 */
class NftWalkTest {
  private static final String CONTAINER = "172.17.0.2";

  private static Match daddr(String a) {
    return new Match.Address(Match.Side.DESTINATION, ip(a), false);
  }

  private static Match saddr(String a) {
    return new Match.Address(Match.Side.SOURCE, ip(a), false);
  }

  private static Match iif(String name, boolean negated) {
    return new Match.Interface(true, name, negated);
  }

  private static Match oif(String name) {
    return new Match.Interface(false, name, false);
  }

  private static final Match TCP = new Match.Protocol(6, "tcp", false);

  private static Match dport(int port) {
    return new Match.Ports(Match.PortField.DESTINATION, List.of(PortRange.of(port)), false);
  }

  private static final Match ESTABLISHED = new Match.ConnectionState(
      Set.of(Match.CtState.ESTABLISHED, Match.CtState.RELATED), false);

  /** Docker 29's {@code ip docker-bridges} for docker0 with 8080 -> 172.17.0.2:80. */
  static NftTableBuilder docker() {
    return new NftTableBuilder(NftFamily.IP, "docker-bridges")
        .base("raw-PREROUTING", Hook.PREROUTING, BaseChain.Type.FILTER, -300, Chain.Policy.ACCEPT)
        .rule("raw-PREROUTING", "ip daddr 172.17.0.2 iifname != \"docker0\" counter drop comment \"DROP DIRECT ACCESS\"",
            List.of(daddr(CONTAINER), iif("docker0", true)), new Target.Drop())
        .base("nat-PREROUTING", Hook.PREROUTING, BaseChain.Type.NAT, -100, Chain.Policy.ACCEPT)
        .rule("nat-PREROUTING", "fib daddr type local counter jump nat-prerouting-and-output",
            List.of(new Match.AddressTypeMatch(Match.Side.DESTINATION, Set.of(Match.AddressType.LOCAL), false,
                Match.LimitIface.NONE)), new Target.Jump("nat-prerouting-and-output"))
        .chain("nat-prerouting-and-output")
        .rule("nat-prerouting-and-output", "iifname != \"docker0\" tcp dport 8080 counter dnat to 172.17.0.2:80",
            List.of(iif("docker0", true), TCP, dport(8080)),
            new Target.Dnat(Optional.of(ip(CONTAINER)), Optional.of(ip(CONTAINER)), Optional.of(PortRange.of(80)),
                "to 172.17.0.2:80"))
        .base("filter-FORWARD", Hook.FORWARD, BaseChain.Type.FILTER, 0, Chain.Policy.ACCEPT)
        .rule("filter-FORWARD", "oifname vmap @filter-forward-in-jumps", List.of(oif("docker0")),
            new Target.Jump("filter-forward-in__docker0"))
        .chain("filter-forward-in__docker0")
        .rule("filter-forward-in__docker0", "ct state established,related counter accept", List.of(ESTABLISHED),
            new Target.Accept())
        .rule("filter-forward-in__docker0", "iifname \"docker0\" counter accept comment \"ICC\"",
            List.of(iif("docker0", false)), new Target.Accept())
        .rule("filter-forward-in__docker0", "ip daddr 172.17.0.2 tcp dport 80 counter accept",
            List.of(daddr(CONTAINER), TCP, dport(80)), new Target.Accept())
        .rule("filter-forward-in__docker0", "counter drop comment \"UNPUBLISHED PORT DROP\"", List.of(),
            new Target.Drop());
  }

  /** UFW's FORWARD as iptables-nft keeps it: policy DROP, one routed allow for 198.51.100.9. */
  private static final String UFW_ROUTE_ALLOW = """
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      :ufw-before-forward - [0:0]
      :ufw-user-forward - [0:0]
      -A FORWARD -j ufw-before-forward
      -A FORWARD -j ufw-user-forward
      -A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A ufw-user-forward -s 198.51.100.9/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT
      COMMIT
      """;

  private static HostFacts facts(String iptablesSave, NftTable... tables) {
    Ruleset v4 = RulesetFixture.parse(iptablesSave, IpFamily.V4).withNftTables(List.of(tables));
    return host(v4, Optional.empty(), container("web", CONTAINER, port("0.0.0.0", 8080, 80, CONTAINER)));
  }

  private static Trace tcp(HostFacts facts, String source, String destination, int port) {
    return Reachability.of(facts).trace(new Packet(ip(source), ip(destination), Transport.TCP, 50000, port, "eth0"));
  }

  @Test
  void dockersOwnTablePublishesThePortAndDropsDirectAccess() {
    HostFacts facts = facts("", docker().build());
    Trace published = tcp(facts, "198.51.100.1", HOST_V4, 8080);
    assertThat(published.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(published.decidedBy()).hasValueSatisfying(r -> assertThat(r.citation())
        .isEqualTo("ip docker-bridges/filter-forward-in__docker0 #3 (handle 7)"));
    assertThat(published.nat()).hasValueSatisfying(n -> assertThat(n.toAddress().toString()).isEqualTo(CONTAINER));

    Trace direct = tcp(facts, "198.51.100.1", CONTAINER, 80);
    assertThat(direct.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(direct.decidedBy()).hasValueSatisfying(r -> assertThat(r.chain()).isEqualTo("raw-PREROUTING"));

    Trace unpublished = tcp(facts, "198.51.100.1", HOST_V4, 8081);
    assertThat(unpublished.verdict()).isEqualTo(Verdict.REACHABLE); // a host socket: INPUT has no rules here
    assertThat(unpublished.delivery()).hasValueSatisfying(d -> assertThat(d).isInstanceOf(Delivery.HostSocket.class));
  }

  /**
   * The report: Docker 29 with nftables and UFW {@code route allow} from one source. The
   * kernel lets 198.51.100.9 reach 8080 and nobody else (research note §1.6, S3b).
   */
  @Test
  void ufwsRoutedAllowOnADocker29HostLetsOnlyItsSourceThrough() {
    HostFacts facts = facts(UFW_ROUTE_ALLOW, docker().build());
    assertThat(tcp(facts, "198.51.100.9", HOST_V4, 8080).verdict()).isEqualTo(Verdict.REACHABLE);
    Trace other = tcp(facts, "198.51.100.1", HOST_V4, 8080);
    assertThat(other.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(other.decision()).isEqualTo("filter/FORWARD policy DROP");

    PortReach reach = Reachability.of(facts).exposures().get(0);
    assertThat(reach.exact()).isTrue();
    assertThat(reach.reachableFrom()).extracting(Object::toString).containsExactly("198.51.100.9/32");
  }

  /** An accept in one base chain is not final: Docker's own drop still runs (research §1.6, S5). */
  @Test
  void anAcceptInAnEarlierBaseChainDoesNotEndTheHook() {
    NftTable mine = new NftTableBuilder(NftFamily.INET, "mine")
        .base("fwd_early", Hook.FORWARD, BaseChain.Type.FILTER, -1, Chain.Policy.ACCEPT)
        .rule("fwd_early", "accept", List.of(), new Target.Accept())
        .build();
    HostFacts facts = facts("", docker().build(), mine);
    // Port 81 of the container is not published: Docker's UNPUBLISHED PORT DROP decides.
    Trace trace = Reachability.of(facts).trace(new Packet(ip("172.17.0.5"), ip(CONTAINER), Transport.TCP, 50000, 81,
        "docker0"));
    assertThat(trace.verdict()).isEqualTo(Verdict.REACHABLE); // ICC: docker0 to docker0 is accepted
    Trace fromOutside = tcp(facts, "198.51.100.1", HOST_V4, 8080);
    assertThat(fromOutside.verdict()).isEqualTo(Verdict.REACHABLE);

    NftTable dropper = new NftTableBuilder(NftFamily.INET, "late")
        .base("fwd_late", Hook.FORWARD, BaseChain.Type.FILTER, 10, Chain.Policy.ACCEPT)
        .rule("fwd_late", "ct status dnat drop", List.of(new Match.ConnectionState(Set.of(Match.CtState.DNAT), false)),
            new Target.Drop())
        .build();
    Trace dropped = tcp(facts("", docker().build(), mine, dropper), "198.51.100.1", HOST_V4, 8080);
    assertThat(dropped.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(dropped.decidedBy()).hasValueSatisfying(r -> assertThat(r.tableLabel()).isEqualTo("inet late"));
  }

  /** nf_nat_inet_fn: nat chains run by their priority and the first that translates wins. */
  @Test
  void theFirstNatChainThatTranslatesDecidesTheTranslation() {
    NftTable early = new NftTableBuilder(NftFamily.IP, "early")
        .base("pre", Hook.PREROUTING, BaseChain.Type.NAT, -150, Chain.Policy.ACCEPT)
        .rule("pre", "tcp dport 8080 dnat to 172.17.0.3:80", List.of(TCP, dport(8080)),
            new Target.Dnat(Optional.of(ip("172.17.0.3")), Optional.of(ip("172.17.0.3")),
                Optional.of(PortRange.of(80)), "to 172.17.0.3:80"))
        .build();
    Trace trace = tcp(facts("", docker().build(), early), "198.51.100.1", HOST_V4, 8080);
    assertThat(trace.nat()).hasValueSatisfying(n -> assertThat(n.toAddress().toString()).isEqualTo("172.17.0.3"));
    // Docker's forward chain has no accept for .3: its UNPUBLISHED PORT DROP decides.
    assertThat(trace.verdict()).isEqualTo(Verdict.BLOCKED);

    NftTable late = new NftTableBuilder(NftFamily.IP, "late")
        .base("pre", Hook.PREROUTING, BaseChain.Type.NAT, -50, Chain.Policy.ACCEPT)
        .rule("pre", "tcp dport 8080 dnat to 172.17.0.3:80", List.of(TCP, dport(8080)),
            new Target.Dnat(Optional.of(ip("172.17.0.3")), Optional.of(ip("172.17.0.3")),
                Optional.of(PortRange.of(80)), "to 172.17.0.3:80"))
        .build();
    Trace dockerFirst = tcp(facts("", docker().build(), late), "198.51.100.1", HOST_V4, 8080);
    assertThat(dockerFirst.nat()).hasValueSatisfying(n -> assertThat(n.toAddress().toString()).isEqualTo(CONTAINER));
    assertThat(dockerFirst.verdict()).isEqualTo(Verdict.REACHABLE);
  }

  /**
   * The NAT core runs at -100 whatever a nat chain's own priority: a filter chain at -150 sees
   * the host's address, one at -50 the container's.
   */
  @Test
  void filterChainsOnPreroutingSeeTheDestinationTheirPriorityAllows() {
    for (int priority : new int[] {-150, -50}) {
      NftTable watcher = new NftTableBuilder(NftFamily.IP, "watcher")
          .base("pre", Hook.PREROUTING, BaseChain.Type.FILTER, priority, Chain.Policy.ACCEPT)
          .rule("pre", "ip daddr 172.17.0.2 drop", List.of(daddr(CONTAINER)), new Target.Drop())
          .build();
      Trace trace = tcp(facts("", docker().build(), watcher), "198.51.100.1", HOST_V4, 8080);
      assertThat(trace.verdict()).as("priority %d", priority)
          .isEqualTo(priority < -100 ? Verdict.REACHABLE : Verdict.BLOCKED);
    }
  }

  /** Before conntrack (priority -200) a packet has no state: {@code ct state invalid} holds. */
  @Test
  void chainsBeforeConntrackSeeNoConnection() {
    for (int priority : new int[] {-300, -150}) {
      NftTable early = new NftTableBuilder(NftFamily.IP, "early")
          .base("pre", Hook.PREROUTING, BaseChain.Type.FILTER, priority, Chain.Policy.ACCEPT)
          .rule("pre", "ct state invalid drop", List.of(new Match.ConnectionState(Set.of(Match.CtState.INVALID), false)),
              new Target.Drop())
          .build();
      Trace trace = tcp(facts("", docker().build(), early), "198.51.100.1", HOST_V4, 8080);
      assertThat(trace.verdict()).as("priority %d", priority)
          .isEqualTo(priority < BaseChain.CONNTRACK_PRIORITY ? Verdict.BLOCKED : Verdict.REACHABLE);
    }
  }

  /** netavark's way: the DNAT rule marks the connection, FORWARD accepts the mark. */
  @Test
  void aConnectionMarkSetInNatIsSeenInForward() {
    for (boolean marks : new boolean[] {true, false}) {
      List<Target> effects = marks
          ? List.of(new Target.SetMark(Match.MarkKind.CONNECTION, Match.MarkKind.PACKET, 0x1000, 0x1000,
              "ct mark set meta mark | 0x00001000"))
          : List.of();
      NftTable netavark = new NftTableBuilder(NftFamily.INET, "netavark")
          .base("PREROUTING", Hook.PREROUTING, BaseChain.Type.NAT, -100, Chain.Policy.ACCEPT)
          .rule("PREROUTING", "tcp dport 8080 ct mark set meta mark | 0x00001000 dnat ip to 172.17.0.2:80",
              List.of(TCP, dport(8080)), effects,
              new Target.Dnat(Optional.of(ip(CONTAINER)), Optional.of(ip(CONTAINER)), Optional.of(PortRange.of(80)),
                  "ip to 172.17.0.2:80"))
          .base("FORWARD", Hook.FORWARD, BaseChain.Type.FILTER, 0, Chain.Policy.DROP)
          .rule("FORWARD", "ct mark & 0x00001000 == 0x00001000 accept",
              List.of(new Match.Mark(Match.MarkKind.CONNECTION, 0x1000, 0x1000, false)), new Target.Accept())
          .build();
      Trace trace = tcp(facts("", netavark), "198.51.100.1", HOST_V4, 8080);
      assertThat(trace.verdict()).as("marks: %s", marks).isEqualTo(marks ? Verdict.REACHABLE : Verdict.BLOCKED);
    }
  }

  /** An unknown statement in an nft rule makes the answer "possibly", naming the rule. */
  @Test
  void anUnknownStatementIsPossiblyNamingTheRule() {
    NftTable limiter = new NftTableBuilder(NftFamily.INET, "limiter")
        .base("fwd", Hook.FORWARD, BaseChain.Type.FILTER, -5, Chain.Policy.ACCEPT)
        .rule("fwd", "limit rate over 10/second drop", List.of(new Match.Unknown("nft", "limit rate over 10/second")),
            new Target.Drop())
        .build();
    Trace trace = tcp(facts("", docker().build(), limiter), "198.51.100.1", HOST_V4, 8080);
    assertThat(trace.verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
        p -> assertThat(p.uncertainBecause()).extracting(Rule::tableLabel).containsExactly("inet limiter"));
  }
}
