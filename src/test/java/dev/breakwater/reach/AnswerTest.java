package dev.breakwater.reach;

import static dev.breakwater.reach.HostFixture.HOST_V4;
import static dev.breakwater.reach.HostFixture.container;
import static dev.breakwater.reach.HostFixture.port;
import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.host.FirewalldSetup;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.HostSetup;
import dev.breakwater.host.Route;
import dev.breakwater.hostconf.HostConfig;
import dev.breakwater.hostconf.SysctlValues;
import dev.breakwater.net.AddressSets;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The answer's leg: a source reaches a port only when the listener's SYN-ACK (or UDP answer)
 * gets back out. Each case is an iptables-save ruleset that lets the first packet in and drops
 * only what comes back, as the kernel oracle's HALF_OPEN cases do ({@code LabRulesetGenerator}'s
 * answer drops).
 */
class AnswerTest {
  private static final String CLIENT = "198.51.100.7";
  private static final Container MYSQL = container("mysql", "172.17.0.2", port("0.0.0.0", 3306, 3306, "172.17.0.2"));

  private static HostFacts facts(String rules, String sysctl, Route... extraRoutes) {
    List<Route> routes = new ArrayList<>(HostFixture.routes());
    routes.addAll(List.of(extraRoutes));
    HostConfig config = new HostConfig(Optional.empty(), Optional.empty(),
        sysctl == null ? Optional.empty() : Optional.of(SysctlValues.parse(sysctl, "sysctl.txt")));
    return new HostFacts("lab", HostFixture.interfaces(), routes, List.of(MYSQL), RulesetFixture.parse(rules, IpFamily.V4),
        Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
        new HostSetup(Optional.empty(), Optional.empty(), FirewalldSetup.UNKNOWN, config));
  }

  private static Reachability host(String rules) {
    return Reachability.of(facts(rules, null));
  }

  private static Trace syn(Reachability r, String source, String destination, int port) {
    return r.trace(new Packet(ip(source), ip(destination), Transport.TCP, 50000, port, "eth0"));
  }

  private static List<String> path(Trace t) {
    return t.path().stream().map(TraceStep::describe).toList();
  }

  private static String decided(Trace t) {
    return t.decidedBy().map(Rule::text).orElse("");
  }

  private static List<String> cidrs(List<inet.ipaddr.IPAddress> addresses) {
    return addresses.stream().map(Object::toString).toList();
  }

  /** Docker 28's layout with {@code rules} first in DOCKER-USER (as -I DOCKER-USER puts them). */
  private static String docker28WithUser(String rules) {
    return Layouts.docker28(3306, 3306).replace("-A DOCKER-USER -j RETURN\n", rules + "-A DOCKER-USER -j RETURN\n");
  }

  @Test
  void aDockerUserDropOfWhatLeavesTheBridgeDropsTheSynAck() {
    Reachability r = host(docker28WithUser("-A DOCKER-USER -i docker0 -o eth0 -j DROP\n"));
    Trace t = syn(r, CLIENT, HOST_V4, 3306);

    // The SYN is delivered to the container; its answer, from docker0 to eth0, is not.
    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(decided(t)).isEqualTo("-A DOCKER-USER -i docker0 -o eth0 -j DROP");
    assertThat(t.decision()).startsWith("the answer from 172.17.0.2:3306 is dropped: filter/DOCKER-USER #1");
    assertThat(path(t)).contains(
        "FORWARD: filter/DOCKER #1 (line 29): -A DOCKER ! -i docker0 -o docker0 -p tcp -d 172.17.0.2/32 -m tcp --dport 3306 -j ACCEPT",
        "answer: tcp 172.17.0.2:3306 -> 198.51.100.7:50000 (SYN-ACK, ctstate ESTABLISHED), arriving on docker0",
        "routing: answer: forward out of eth0 (route 0.0.0.0/0 dev eth0)",
        "answer FORWARD: filter/DOCKER-USER #1 (line 39): -A DOCKER-USER -i docker0 -o eth0 -j DROP");
    PortReach audit = r.exposures().get(0);
    assertThat(audit.exact()).isTrue();
    assertThat(audit.classes()).filteredOn(c -> c.ingress().equals("eth0")
            && c.sources().stream().anyMatch(a -> a.contains(ip(CLIENT))))
        .singleElement().satisfies(c -> {
          assertThat(c.verdict()).isEqualTo(Verdict.BLOCKED);
          assertThat(c.because()).contains("the answer").contains("is dropped");
          assertThat(c.decidedBy().map(Rule::text)).contains("-A DOCKER-USER -i docker0 -o eth0 -j DROP");
        });

    // The usual fix, an ESTABLISHED return before it, lets the answer out.
    Reachability fixed = host(docker28WithUser("-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n"
        + "-A DOCKER-USER -i docker0 -o eth0 -j DROP\n"));
    assertThat(syn(fixed, CLIENT, HOST_V4, 3306).verdict()).isEqualTo(Verdict.REACHABLE);
  }

  @Test
  void anOutputDropByTheListenersPortDropsTheHostsAnswer() {
    // UFW allows 22 in; OUTPUT drops what sshd sends from port 22 out of eth0.
    String rules = Layouts.docker20("", 3306, 3306, "")
        .replace("-A FORWARD -j DOCKER-USER\n", "-A FORWARD -j DOCKER-USER\n-A OUTPUT -o eth0 -p tcp -m tcp --sport 22 -j DROP\n");
    Reachability r = host(rules);
    Trace ssh = syn(r, CLIENT, HOST_V4, 22);

    assertThat(ssh.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(decided(ssh)).isEqualTo("-A OUTPUT -o eth0 -p tcp -m tcp --sport 22 -j DROP");
    assertThat(path(ssh)).contains(
        "answer: tcp 192.0.2.10:22 -> 198.51.100.7:50000 (SYN-ACK, ctstate ESTABLISHED), from a host socket",
        "routing: answer: out of eth0 (route 0.0.0.0/0 dev eth0)");
    assertThat(path(ssh)).anyMatch(s -> s.startsWith("answer OUTPUT: filter/OUTPUT #1"));
    // The published port's answer is forwarded, not sent by a host socket: OUTPUT does not see it.
    assertThat(syn(r, CLIENT, HOST_V4, 3306).verdict()).isEqualTo(Verdict.REACHABLE);
  }

  @Test
  void aForwardPolicyDropWithoutAnAcceptForTheAnswerDropsIt() {
    String nat = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A DOCKER ! -i docker0 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 172.17.0.2:3306
        COMMIT
        """;
    String filter = """
        *filter
        :INPUT DROP [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        -A FORWARD -o docker0 -p tcp -m tcp --dport 3306 -j ACCEPT
        """;
    String onlyIn = nat + filter + "COMMIT\n";
    Trace t = syn(host(onlyIn), CLIENT, HOST_V4, 3306);
    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(t.decision()).isEqualTo("the answer from 172.17.0.2:3306 is dropped: filter/FORWARD policy DROP");
    assertThat(path(t)).endsWith("answer FORWARD: filter/FORWARD policy DROP");

    // Docker's "-i docker0 ! -o docker0 -j ACCEPT", or a conntrack accept, is what lets it out.
    for (String back : List.of("-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\n",
        "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n")) {
      String both = nat + filter + back + "COMMIT\n";
      assertThat(syn(host(both), CLIENT, HOST_V4, 3306).verdict()).as(back).isEqualTo(Verdict.REACHABLE);
    }
  }

  @Test
  void theBridgesOwnForwardingDecidesTheAnswer() {
    // The SYN arrives on eth0, which forwards; the SYN-ACK arrives on docker0, which does not.
    HostFacts off = facts(Layouts.docker28(3306, 3306), "net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.forwarding = 1\n"
        + "net.ipv4.conf.eth0.forwarding = 1\nnet.ipv4.conf.docker0.forwarding = 0\n");
    Reachability r = Reachability.of(off);
    Trace t = syn(r, CLIENT, HOST_V4, 3306);
    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(t.decision()).contains("the answer from 172.17.0.2:3306 is dropped: routing:")
        .contains("net.ipv4.conf.docker0.forwarding = 0");
    assertThat(r.exposures().get(0).reachableFrom()).isEmpty();

    HostFacts on = facts(Layouts.docker28(3306, 3306), "net.ipv4.ip_forward = 1\nnet.ipv4.conf.eth0.forwarding = 1\n"
        + "net.ipv4.conf.docker0.forwarding = 1\n");
    assertThat(syn(Reachability.of(on), CLIENT, HOST_V4, 3306).verdict()).isEqualTo(Verdict.REACHABLE);
  }

  @Test
  void noRouteBackToTheClientLeavesItUnanswered() {
    Route blackhole = new Route(IpFamily.V4, ip("203.0.113.0/24"), Optional.empty(), "", "blackhole");
    Reachability r = Reachability.of(facts(Layouts.docker28(3306, 3306), null, blackhole));

    Trace t = syn(r, "203.0.113.5", HOST_V4, 3306);
    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(t.decision()).contains("is dropped: routing: route 203.0.113.0/24 is of type blackhole");
    // The route back splits the sources exactly: that /24 is the only one not answered.
    assertThat(cidrs(r.exposures().get(0).reachableFrom())).containsExactlyElementsOf(
        cidrs(AddressSets.minus(List.of(ip("0.0.0.0/0")), List.of(ip("203.0.113.0/24")))));
  }

  @Test
  void theClientsPortIsTheSendersChoiceOnTheWayBack() {
    // Answers to unprivileged client ports are dropped; a client may bind a low port.
    Reachability r = host(docker28WithUser("-A DOCKER-USER -i docker0 -p tcp -m tcp --dport 1024:65535 -j DROP\n"));
    assertThat(syn(r, CLIENT, HOST_V4, 3306).verdict()).isEqualTo(Verdict.BLOCKED);

    Trace best = r.traceChoosing(new Packet(ip(CLIENT), ip(HOST_V4), Transport.TCP, 50000, 3306, "eth0"), true, false);
    assertThat(best.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(best.packet().sourcePort()).isBetween(0, 1023);
    assertThat(best.needs()).extracting(AttackerChoice::describe).singleElement()
        .satisfies(n -> assertThat(n).contains("source port").contains("0-1023"));
    // Exact, not "possibly": the audit says reachable, with the condition.
    SourceClass c = r.exposures().get(0).classes().stream().filter(x -> x.ingress().equals("eth0")).findFirst().orElseThrow();
    assertThat(c.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(c.needs()).isNotEmpty();
  }

  @Test
  void aRuleOnTheAnswersDestinationTellsClientsApart() {
    Reachability r = host(docker28WithUser("-A DOCKER-USER -i docker0 -d 198.51.100.0/24 -j DROP\n"));
    assertThat(syn(r, CLIENT, HOST_V4, 3306).verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(syn(r, "198.51.101.7", HOST_V4, 3306).verdict()).isEqualTo(Verdict.REACHABLE);

    PortReach audit = r.exposures().get(0);
    assertThat(audit.exact()).isTrue();
    assertThat(cidrs(audit.reachableFrom())).containsExactlyElementsOf(
        cidrs(AddressSets.minus(List.of(ip("0.0.0.0/0")), List.of(ip("198.51.100.0/24")))));
  }

  @Test
  void aMasqueradedConnectionsAnswerIsAddressedToTheHostUntilNatUndoesIt() {
    // Docker 28's raw "-d 172.17.0.2 ! -i docker0 -j DROP" runs before conntrack undoes the
    // MASQUERADE: the answer to the container's own connection still carries the host's address.
    Reachability r = host(Layouts.docker28(3306, 3306));
    Trace out = r.trace(new Packet(ip("172.17.0.2"), ip(CLIENT), Transport.TCP, 40000, 443, "docker0"));
    assertThat(out.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(path(out)).contains(
        "answer: tcp 198.51.100.7:443 -> 172.17.0.2:40000 (SYN-ACK, ctstate ESTABLISHED), arriving on eth0",
        "routing: answer: forward out of docker0 (route 172.17.0.0/16 dev docker0)",
        "answer FORWARD: filter/DOCKER-CT #1 (line 32): -A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
    assertThat(path(out)).noneMatch(s -> s.startsWith("answer PREROUTING: raw/PREROUTING"));
  }

  @Test
  void aBareNotSynDropDropsTheSynAck() {
    // The SYN-ACK has ACK set: "! --syn" matches it. Written for NEW packets it leaves it alone.
    String nat = Layouts.docker28(3306, 3306);
    Reachability bare = host(nat.replace("-A FORWARD -j DOCKER-USER\n", "-A FORWARD -p tcp ! --syn -j DROP\n-A FORWARD -j DOCKER-USER\n"));
    assertThat(syn(bare, CLIENT, HOST_V4, 3306).verdict()).isEqualTo(Verdict.BLOCKED);
    Reachability forNew = host(nat.replace("-A FORWARD -j DOCKER-USER\n",
        "-A FORWARD -p tcp ! --syn -m conntrack --ctstate NEW -j DROP\n-A FORWARD -j DOCKER-USER\n"));
    assertThat(syn(forNew, CLIENT, HOST_V4, 3306).verdict()).isEqualTo(Verdict.REACHABLE);
  }
}
