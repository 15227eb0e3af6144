package dev.breakwater.reach;

import dev.breakwater.net.Transport;
import dev.breakwater.net.AddressSets;
import static dev.breakwater.reach.HostFixture.container;
import static dev.breakwater.reach.HostFixture.host;
import static dev.breakwater.reach.HostFixture.port;
import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.Ruleset;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReachabilityTest {
  /** The notes as users read them. */
  private static java.util.List<String> texts(java.util.List<ReachNote> notes) {
    return notes.stream().map(ReachNote::text).toList();
  }


  private static Ruleset v4(String text) {
    return RulesetFixture.parse(text, IpFamily.V4);
  }

  private static List<String> cidrs(List<IPAddress> addresses) {
    return addresses.stream().map(IPAddress::toString).toList();
  }

  private static PortReach onlyExposure(HostFacts facts) {
    List<PortReach> all = Reachability.of(facts).exposures();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  private static final Container MYSQL = container("mysql", "172.17.0.2", port("0.0.0.0", 3306, 3306, "172.17.0.2"));

  @AfterEach
  void forgetIpsets() {
    RulesetFixture.IPSETS.clear();
  }

  @Test
  void classicBypassUfwDeniesButDockerForwardsFromEverywhere() {
    String rules = Layouts.docker20("", 3306, 3306, "");
    PortReach e = onlyExposure(host(v4(rules), Optional.empty(), MYSQL));

    assertThat(cidrs(e.reachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(e.exact()).isTrue();
    assertThat(e.classes()).hasSize(1);
    SourceClass c = e.classes().get(0);
    assertThat(c.ingress()).isEqualTo("eth0");
    assertThat(c.decidedBy().map(Rule::citation)).contains("filter/DOCKER #1 (line " + RulesetFixture.lineOf(rules, "-A DOCKER -d 172.17.0.2/32") + ")");
    assertThat(c.because()).contains("filter/DOCKER #1").contains("ACCEPT");
  }

  @Test
  void loopbackBindingOnDockerBefore28IsReachableFromTheLinkOnly() {
    Container bound = container("mysql", "172.17.0.2", port("127.0.0.1", 3306, 3306, "172.17.0.2"));
    PortReach e = onlyExposure(host(v4(Layouts.docker20("-d 127.0.0.1/32 ", 3306, 3306, "")), Optional.empty(), bound));

    // What trace says of a neighbour that sends to 127.0.0.1 is what the exposure counts.
    assertThat(cidrs(e.reachableFrom())).containsExactly("192.0.2.0/24");
    assertThat(e.possiblyReachableFrom()).isEmpty();
    assertThat(e.exact()).isTrue();
    assertThat(e.classes()).filteredOn(c -> c.verdict() instanceof Verdict.Blocked)
        .allSatisfy(c -> assertThat(c.because()).contains("127.0.0.1"));
    assertThat(e.classes()).filteredOn(c -> c.verdict() instanceof Verdict.Reachable).singleElement()
        .satisfies(c -> assertThat(c.because()).contains("raw PREROUTING"));
    // Docker 20.10 has no raw PREROUTING drop: a neighbour that sends to 127.0.0.1 by hand is DNATed.
    assertThat(texts(e.notes())).anySatisfy(n -> assertThat(n).contains("neighbour on eth0").contains("192.0.2.0/24")
        .contains("reachable"));
  }

  @Test
  void dockerUserReturnForOneSubnetThenDropLeavesOnlyThatSubnet() {
    String user = """
        -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN
        -A DOCKER-USER -s 198.51.100.0/24 -j RETURN
        -A DOCKER-USER -i eth0 -j DROP
        """;
    String rules = Layouts.docker20("", 3306, 3306, user);
    PortReach e = onlyExposure(host(v4(rules), Optional.empty(), MYSQL));

    assertThat(cidrs(e.reachableFrom())).containsExactly("198.51.100.0/24");
    SourceClass blocked = e.classes().stream().filter(c -> c.verdict() instanceof Verdict.Blocked).findFirst().orElseThrow();
    assertThat(blocked.decidedBy().map(Rule::citation)).contains("filter/DOCKER-USER #3 (line " + RulesetFixture.lineOf(rules, "-A DOCKER-USER -i eth0 -j DROP") + ")");
    // Everything but the /24, as the minimal CIDR list.
    assertThat(blocked.sources()).hasSize(24).contains(ip("0.0.0.0/1"), ip("198.51.101.0/24"));
  }

  @Test
  void aSourceTestThatChangesNothingLeavesOneClassCitedByTheAccept() {
    String user = "-A DOCKER-USER -s 198.51.100.0/24 -j RETURN\n";
    PortReach e = onlyExposure(host(v4(Layouts.docker20("", 3306, 3306, user)), Optional.empty(), MYSQL));

    assertThat(e.classes()).singleElement().satisfies(c -> {
      assertThat(cidrs(c.sources())).containsExactly("0.0.0.0/0");
      assertThat(c.decidedBy().map(Rule::chain)).contains("DOCKER");
    });
  }

  @Test
  void dportInDockerUserAfterDnatDoesNotProtectAndSaysWhy() {
    String user = "-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 3306 -j DROP\n";
    Container remapped = container("mysql", "172.17.0.2", port("0.0.0.0", 3306, 80, "172.17.0.2"));
    HostFacts facts = host(v4(Layouts.docker20("", 3306, 80, user)), Optional.empty(), remapped);

    assertThat(cidrs(onlyExposure(facts).reachableFrom())).containsExactly("0.0.0.0/0");
    Trace t = Reachability.of(facts).trace(new Packet(ip("198.51.100.7"), ip(HostFixture.HOST_V4),
        dev.breakwater.net.Transport.TCP, 50000, 3306, "eth0"));
    assertThat(t.verdict()).isInstanceOf(Verdict.Reachable.class);
    assertThat(t.hints()).extracting(Hint::code).contains("dport-after-dnat")
        // A drop for one service port does not catch replies, which come back to ephemeral ports.
        .doesNotContain("drop-without-established");
    Hint h = t.hints().stream().filter(x -> x.code().equals("dport-after-dnat")).findFirst().orElseThrow();
    assertThat(h.rule().chain()).isEqualTo("DOCKER-USER");
    assertThat(h.message()).contains("--ctorigdstport 3306 --ctdir ORIGINAL");
  }

  @Test
  void ctorigdstportInDockerUserDoesProtect() {
    String user = """
        -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN
        -A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 3306 --ctdir ORIGINAL -j DROP
        """;
    Container remapped = container("mysql", "172.17.0.2", port("0.0.0.0", 3306, 80, "172.17.0.2"));
    PortReach e = onlyExposure(host(v4(Layouts.docker20("", 3306, 80, user)), Optional.empty(), remapped));

    assertThat(e.reachableFrom()).isEmpty();
    assertThat(e.exact()).isTrue();
  }

  @Test
  void docker28PublishedPortReachableButContainerAddressNotRoutableDirectly() {
    Container web = container("web", "172.17.0.2", port("0.0.0.0", 8080, 80, "172.17.0.2"));
    HostFacts facts = host(v4(Layouts.docker28(8080, 80)), Optional.empty(), web);

    assertThat(cidrs(onlyExposure(facts).reachableFrom())).containsExactly("0.0.0.0/0");
    Trace direct = Reachability.of(facts).trace(new Packet(ip("198.51.100.7"), ip("172.17.0.2"),
        dev.breakwater.net.Transport.TCP, 50000, 80, "eth0"));
    assertThat(direct.verdict()).isInstanceOf(Verdict.Blocked.class);
    assertThat(direct.decidedBy().map(Rule::citation)).contains("raw/PREROUTING #1 (line 4)");
  }

  @Test
  void ipv6WithoutDockerRulesIsLocalDeliveryDecidedByUfwUserInput() {
    Container mysql = container("mysql", "172.17.0.2", port("::", 3306, 3306, "172.17.0.2"));
    HostFacts facts = host(v4(Layouts.docker20("", 3306, 3306, "")),
        Optional.of(RulesetFixture.parse(Layouts.UFW_ONLY_V6, IpFamily.V6)), mysql);
    PortReach e = onlyExposure(facts);

    assertThat(cidrs(e.reachableFrom())).containsExactly("2001:db8:5::/48");
    SourceClass allowed = e.classes().stream().filter(c -> c.verdict() instanceof Verdict.Reachable).findFirst().orElseThrow();
    assertThat(allowed.decidedBy().map(Rule::citation)).contains("filter/ufw6-user-input #2 (line 12)");
    assertThat(allowed.family()).isEqualTo(IpFamily.V6);
  }

  @Test
  void ipv6PortWithoutIp6tablesDumpIsPossiblyReachable() {
    Container mysql = container("mysql", "172.17.0.2", port("::", 3306, 3306, "172.17.0.2"));
    PortReach e = onlyExposure(host(v4(Layouts.docker20("", 3306, 3306, "")), Optional.empty(), mysql));

    assertThat(e.exact()).isFalse();
    assertThat(e.reachableFrom()).isEmpty();
    assertThat(cidrs(e.possiblyReachableFrom())).containsExactly("::/0");
    assertThat(e.classes().get(0).verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
        p -> assertThat(p.reasons()).containsExactly("no ip6tables dump"));
  }

  @Test
  void unknownMatchThatDecidesMakesItPossiblyAndNamesTheRule() {
    String user = "-A DOCKER-USER -i eth0 -m recent --rcheck --seconds 60 -j DROP\n";
    String rules = Layouts.docker20("", 3306, 3306, user);
    PortReach e = onlyExposure(host(v4(rules), Optional.empty(), MYSQL));

    assertThat(e.exact()).isFalse();
    assertThat(e.reachableFrom()).isEmpty();
    assertThat(cidrs(e.possiblyReachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(e.uncertainBecause()).extracting(Rule::citation).containsExactly("filter/DOCKER-USER #1 (line " + RulesetFixture.lineOf(rules, "-m recent") + ")");
    assertThat(e.classes().get(0).verdict().label()).isEqualTo("possibly-reachable");
  }

  @Test
  void unknownMatchWhoseOutcomesAgreeKeepsTheAnswerExact() {
    String user = """
        -A DOCKER-USER -m limit --limit 5/min -j LOG --log-prefix "docker: "
        -A DOCKER-USER -i eth0 -m mark --mark 0x1 -j RETURN
        """;
    PortReach e = onlyExposure(host(v4(Layouts.docker20("", 3306, 3306, user)), Optional.empty(), MYSQL));

    assertThat(e.exact()).isTrue();
    assertThat(cidrs(e.reachableFrom())).containsExactly("0.0.0.0/0");
  }

  @Test
  void resolvedIpsetSplitsSourcesExactlyAndUnresolvedOneIsPossibly() {
    String user = """
        -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN
        -A DOCKER-USER -m set --match-set allowed src -j RETURN
        -A DOCKER-USER -i eth0 -j DROP
        """;
    RulesetFixture.IPSETS.put("allowed", List.of(ip("198.51.100.0/25"), ip("203.0.113.5")));
    PortReach resolved = onlyExposure(host(v4(Layouts.docker20("", 3306, 3306, user)), Optional.empty(), MYSQL));
    RulesetFixture.IPSETS.clear();
    PortReach unresolved = onlyExposure(host(v4(Layouts.docker20("", 3306, 3306, user)), Optional.empty(), MYSQL));

    assertThat(cidrs(resolved.reachableFrom())).containsExactly("198.51.100.0/25", "203.0.113.5/32");
    assertThat(resolved.exact()).isTrue();
    assertThat(unresolved.exact()).isFalse();
    assertThat(cidrs(unresolved.possiblyReachableFrom())).containsExactly("0.0.0.0/0");
  }

  @Test
  void sourceTypeMatchSplitsAtTheHostsOwnAddresses() {
    // Only packets claiming a host address as source are refused: everything else reaches.
    String user = "-A DOCKER-USER -m addrtype --src-type LOCAL -j DROP\n";
    PortReach e = onlyExposure(host(v4(Layouts.docker20("", 3306, 3306, user)), Optional.empty(), MYSQL));

    assertThat(e.reachableFrom()).doesNotContain(ip("0.0.0.0/0"));
    assertThat(AddressSets.minus(List.of(ip("0.0.0.0/0")), e.reachableFrom()))
        .containsExactly(ip("127.0.0.0/8"), ip("172.17.0.1/32"), ip("192.0.2.10/32"));
  }

  @Test
  void interfacesAndIngress() {
    Reachability r = Reachability.of(host(v4(Layouts.docker20("", 3306, 3306, "")), Optional.empty(), MYSQL));

    assertThat(r.externalInterfaces()).containsExactly("eth0");
    assertThat(r.ingressFor(ip("198.51.100.7"))).isEqualTo("eth0");
    assertThat(r.ingressFor(ip("172.17.0.9"))).isEqualTo("docker0");
  }

  /** Swarm's routing mesh as libnetwork writes it: DOCKER-INGRESS DNATs the port to the ingress sandbox. */
  private static final String SWARM_INGRESS = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :DOCKER-INGRESS - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
        -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:8080
        -A DOCKER-INGRESS -j RETURN
        COMMIT
        *filter
        :INPUT DROP [0:0]
        :FORWARD DROP [0:0]
        :DOCKER-INGRESS - [0:0]
        -A FORWARD -j DOCKER-INGRESS
        -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT
        COMMIT
        """;

  @Test
  void swarmRoutingMeshIsNamedInANote() {
    String rules = SWARM_INGRESS;
    Container web = container("web", "172.17.0.2", port("0.0.0.0", 8080, 8080, "172.17.0.2"));
    PortReach e = onlyExposure(host(v4(rules), Optional.empty(), web));

    assertThat(cidrs(e.reachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(texts(e.notes())).anySatisfy(n -> assertThat(n).contains("Swarm").contains("DOCKER-INGRESS"));
  }

  @Test
  void aSwarmTaskWithAnUnboundPortIsAuditedThroughTheRoutingMeshsDnat() {
    // docker inspect of a task shows "Ports": {"80/tcp": null}; the publication is DOCKER-INGRESS's
    // DNAT to the ingress sandbox, so the exposure comes from the rule, named after the service.
    String rules = SWARM_INGRESS;

    Container task = new Container("t1", "web.1.x7k2", "nginx", java.util.Map.of("com.docker.swarm.service.name", "web"),
        "bridge", List.of(), List.of(), List.of(), List.of());
    PortReach e = onlyExposure(host(v4(rules), Optional.empty(), task));

    assertThat(e.container().name()).contains("swarm routing mesh").contains("web");
    assertThat(e.port().hostPort()).isEqualTo(8080);
    assertThat(cidrs(e.reachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(texts(e.notes())).anySatisfy(n -> assertThat(n).contains("every node"));

    String dropped = rules.replace("-A FORWARD -j DOCKER-INGRESS", "-A FORWARD -i eth0 -j DROP\n-A FORWARD -j DOCKER-INGRESS");
    assertThat(onlyExposure(host(v4(dropped), Optional.empty(), task)).reachableFrom()).isEmpty();
  }

  @Test
  void withoutAnExternalInterfaceTheAnswerIsPossiblyNotNobody() {
    HostFacts full = host(v4(Layouts.docker20("", 3306, 3306, "")), Optional.empty(), MYSQL);
    HostFacts noOutside = new HostFacts("lab", full.interfaces().stream().filter(n -> !n.name().equals("eth0")).toList(),
        full.routes(), full.containers(), full.ipv4(), full.ipv6(), Optional.empty(), Optional.empty(), List.of());
    PortReach e = onlyExposure(noOutside);

    assertThat(e.exact()).isFalse();
    assertThat(cidrs(e.possiblyReachableFrom())).containsExactly("0.0.0.0/0");
  }

  @Test
  void hostNetworkContainerIsANoteNotACrash() {
    Container host = new Container("id", "proxy", "nginx", java.util.Map.of(), "host", List.of(), List.of(), List.of(), List.of());
    Reachability r = Reachability.of(host(v4(Layouts.docker20("", 3306, 3306, "")), Optional.empty(), host));

    assertThat(r.exposures()).isEmpty();
    assertThat(texts(r.notes())).anySatisfy(n -> assertThat(n).contains("proxy").contains("network_mode: host"));
  }

  // --- tables the dump does not show ---

  private static String filterOnly(String rules) {
    return rules.substring(rules.indexOf("*filter"));
  }

  private static Trace strangerTo(Reachability r, int port) {
    return r.trace(new Packet(ip("100.64.0.7"), ip(HostFixture.HOST_V4), Transport.TCP, 50000, port, "eth0"));
  }

  @Test
  void aFilterOnlyDumpOfAPublishedPortIsPossiblyReachableNamingTheNatTable() {
    HostFacts facts = host(v4(filterOnly(Layouts.docker20("", 3306, 3306, ""))), Optional.empty(), MYSQL);
    PortReach e = onlyExposure(facts);

    assertThat(e.reachableFrom()).isEmpty();
    assertThat(cidrs(e.possiblyReachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(e.classes()).allSatisfy(c -> {
      assertThat(c.verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
          p -> assertThat(p.reasons()).singleElement().asString().contains("the nat table is not in the dump"));
      assertThat(c.because()).contains("nat table is not in the dump");
    });
    assertThat(e.notes()).anySatisfy(n -> assertThat(n).isInstanceOf(ReachNote.UnseenRules.class));
    Reachability r = Reachability.of(facts);
    assertThat(strangerTo(r, 3306).verdict().label()).isEqualTo("possibly-reachable");
    assertThat(strangerTo(r, 3306).decision()).contains("nat table is not in the dump");
    // Nothing publishes 8080, but the missing nat table may translate it anywhere, for example to
    // the container's 3306, which filter/DOCKER accepts: a packet to 8080 is possibly delivered.
    Trace other = strangerTo(r, 8080);
    assertThat(other.verdict().label()).isEqualTo("possibly-reachable");
    assertThat(other.verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
        p -> assertThat(p.reasons()).singleElement().asString().contains("the nat table is not in the dump"));
    assertThat(texts(r.notes())).anySatisfy(n -> assertThat(n).startsWith("IPv4: the nat table is not in the dump"));
  }

  @Test
  void aFilterOnlyDumpThatDropsEverythingForwardedStaysBlocked() {
    String rules = filterOnly(Layouts.docker20("", 3306, 3306, "-A DOCKER-USER -i eth0 -j DROP\n"));
    PortReach e = onlyExposure(host(v4(rules), Optional.empty(), MYSQL));

    // DNAT or not, the packet is dropped: the missing table cannot change the answer.
    assertThat(e.reachableFrom()).isEmpty();
    assertThat(e.possiblyReachableFrom()).isEmpty();
    assertThat(e.exact()).isTrue();
  }

  @Test
  void anUnseenNatTableCannotLetInWhatNoSeenFilterPathAccepts() {
    // DOCKER-USER drops everything from eth0, but UFW accepts 22: the unseen nat table may
    // REDIRECT 8080 there, so a packet to 8080 is possibly delivered.
    String ssh = "-A ufw-user-input -p tcp -m tcp --dport 22 -j ACCEPT\n";
    String rules = filterOnly(Layouts.docker20("", 3306, 3306, "-A DOCKER-USER -i eth0 -j DROP\n"));
    assertThat(rules).contains(ssh);
    Reachability withSsh = Reachability.of(host(v4(rules), Optional.empty(), MYSQL));
    assertThat(strangerTo(withSsh, 8080).verdict().label()).isEqualTo("possibly-reachable");
    assertThat(strangerTo(withSsh, 8080).decision()).contains("nat table is not in the dump");

    // Without it no seen filter path accepts a stranger's new packet: wherever the unseen nat
    // table sends it, it is dropped, so the answer stays exact.
    Reachability r = Reachability.of(host(v4(rules.replace(ssh, "")), Optional.empty(), MYSQL));
    assertThat(strangerTo(r, 8080).verdict().label()).isEqualTo("blocked");
    assertThat(strangerTo(r, 3306).verdict().label()).isEqualTo("blocked");
  }

  @Test
  void legacyTablesMakeAPortTheInputPolicyDropsPossiblyWhenSomeOtherPortIsAccepted() {
    // public-08's shape: INPUT accepts 443 only. A legacy nat table may REDIRECT 81 to 443, so a
    // packet to 81 is possibly delivered, naming the legacy tables; without the warning, blocked.
    String warning = "# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n";
    String rules = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        + "-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT\nCOMMIT\n";
    Reachability legacy = Reachability.of(host(v4(rules + warning), Optional.empty()));
    Trace t = strangerTo(legacy, 81);
    assertThat(t.verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
        p -> assertThat(p.reasons()).anySatisfy(why -> assertThat(why).contains("iptables-legacy")));
    assertThat(t.decision()).contains("iptables-legacy");

    assertThat(strangerTo(Reachability.of(host(v4(rules), Optional.empty())), 81).verdict().label()).isEqualTo("blocked");
    // Nothing accepts anything new: the legacy tables cannot deliver it.
    String none = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        + "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\nCOMMIT\n";
    assertThat(strangerTo(Reachability.of(host(v4(none + warning), Optional.empty())), 81).verdict().label())
        .isEqualTo("blocked");
  }

  @Test
  void aNatOnlyDumpIsPossiblyReachableNamingTheFilterTable() {
    String rules = Layouts.docker20("", 3306, 3306, "");
    PortReach e = onlyExposure(host(v4(rules.substring(0, rules.indexOf("*filter"))), Optional.empty(), MYSQL));

    assertThat(cidrs(e.possiblyReachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(e.classes()).allSatisfy(c -> assertThat(c.verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
        p -> assertThat(p.reasons()).singleElement().asString().contains("the filter table is not in the dump")));
  }

  @Test
  void legacyTablesPresentMakeAReachablePortPossiblyAndLeaveABlockedOneBlocked() {
    String warning = "# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n";
    PortReach open = onlyExposure(host(v4(warning + Layouts.docker20("", 3306, 3306, "")), Optional.empty(), MYSQL));
    assertThat(open.reachableFrom()).isEmpty();
    assertThat(cidrs(open.possiblyReachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(open.classes()).allSatisfy(c -> assertThat(c.because()).contains("iptables-legacy"));

    PortReach closed = onlyExposure(host(v4(warning + Layouts.docker20("", 3306, 3306, "-A DOCKER-USER -i eth0 -j DROP\n")),
        Optional.empty(), MYSQL));
    // A legacy nat table could DNAT the port as Docker does; the drop in DOCKER-USER still holds.
    assertThat(closed.possiblyReachableFrom()).isEmpty();
    assertThat(closed.reachableFrom()).isEmpty();
  }

  @Test
  void publishedPortsWithoutAnyDockerTableAreSaidFromDockerInspect() {
    String rules = "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
    PortReach e = onlyExposure(host(v4(rules), Optional.empty(), MYSQL));

    assertThat(cidrs(e.possiblyReachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(e.classes()).allSatisfy(c -> assertThat(c.because()).contains("published IPv4 port in docker-inspect"));
  }

  @Test
  void aDockerUserChainNothingJumpsToIsSaidAndFiltersNothing() {
    String rules = Layouts.docker20("", 3306, 3306, "-A DOCKER-USER -i eth0 -j DROP\n")
        .replace("-A FORWARD -j DOCKER-USER\n", "");
    HostFacts facts = host(v4(rules), Optional.empty(), MYSQL);
    PortReach e = onlyExposure(facts);

    assertThat(cidrs(e.reachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(e.exact()).isTrue();
    assertThat(e.notes()).anySatisfy(n -> assertThat(n).isInstanceOfSatisfying(ReachNote.DockerUserNotJumped.class,
        d -> assertThat(d.rules()).isEqualTo(2)));
    assertThat(texts(Reachability.of(facts).notes())).anySatisfy(n -> assertThat(n).contains("DOCKER-USER")
        .contains("not jumped to from FORWARD"));

    // With the jump in place, no such note.
    HostFacts wired = host(v4(Layouts.docker20("", 3306, 3306, "")), Optional.empty(), MYSQL);
    assertThat(onlyExposure(wired).notes()).noneMatch(n -> n instanceof ReachNote.DockerUserNotJumped);
  }
}
