package dev.breakwater.reach;

import dev.breakwater.net.AddressSets;
import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Rule;
import inet.ipaddr.IPAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Test;

/**
 * The engine on every snapshot of the correctness corpus, against what its EXPECTED.md says a
 * correct audit reports. The expectations are written out here from the prose, rule texts
 * included, not derived from the engine.
 */
class CorpusReachabilityTest {
  /** The notes as users read them. */
  private static java.util.List<String> texts(java.util.List<ReachNote> notes) {
    return notes.stream().map(ReachNote::text).toList();
  }

  private static final Path CORPUS = Corpus.root();
  private static final String HOST = "198.51.100.10";
  private static final String NEIGHBOUR = "198.51.100.20";
  /** A source far away (CGNAT space): "anywhere". */
  private static final String STRANGER = "100.64.0.7";

  private static final List<String> LAB = List.of(
      "lab-docker-user-allowlist", "lab-docker-user-fix", "lab-docker-user-fix-v4", "lab-loopback-bound",
      "lab-port-forms", "lab-seed-incident");
  private static final List<String> COVERED = java.util.stream.Stream.concat(Stream.of(
      "docker-20.10-ufw-bypass", "docker-24-compose-network", "docker-28-ipv6", "docker-28-ufw-bypass",
      "docker-user-bare-drop", "docker-user-dport-mistake", "docker-user-fixed", "docker-user-no-jump",
      "docker-29-nft-fwmark", "docker-29-nft-internal", "docker-29-nft-ipv6", "docker-29-nft-lo",
      "docker-29-nft-migrated", "docker-29-nft-natunprot", "docker-29-nft-noicc", "docker-29-nft-portmap",
      "docker-29-nft-routed", "docker-29-nft-ufw",
      "filter-only-dump", "host-network-container", "input-only-belief", "iptables-s-paste", "nft-extra-table", "ufw-route-rules", "unknown-module"), LAB.stream()).sorted().toList();

  private static Reachability load(String scenario) {
    HostFacts facts = SnapshotDirectory.read(CORPUS.resolve(scenario));
    return Reachability.of(facts);
  }

  private static PortReach exposure(Reachability r, String container, String hostIp, int hostPort) {
    List<PortReach> found = r.exposures().stream()
        .filter(e -> e.container().name().equals(container) && e.port().hostPort() == hostPort
            && e.port().hostIp().equals(ip(hostIp)))
        .toList();
    assertThat(found).as("%s %s:%d", container, hostIp, hostPort).hasSize(1);
    return found.get(0);
  }

  private static List<String> cidrs(List<IPAddress> addresses) {
    return addresses.stream().map(IPAddress::toString).toList();
  }

  private static Trace tcp(Reachability r, String source, String destination, int port) {
    return r.trace(new Packet(ip(source), ip(destination), Transport.TCP, 50000, port, "eth0"));
  }

  private static String text(Optional<Rule> rule) {
    return rule.map(Rule::text).orElse("(no rule)");
  }

  private static void reachableFromAnywhereV4(PortReach e) {
    assertThat(cidrs(e.reachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(e.possiblyReachableFrom()).isEmpty();
    assertThat(e.exact()).isTrue();
  }

  /**
   * Bound to 127.0.0.1 on Docker before 28: only the neighbours on eth0's link reach it, by
   * addressing 127.0.0.1 directly (the lab's neighbour probe connected, EXPECTED.md).
   */
  private static void onlyTheLinkReaches(PortReach e, String link) {
    assertThat(cidrs(e.reachableFrom())).containsExactly(link);
    assertThat(e.possiblyReachableFrom()).isEmpty();
    assertThat(e.exact()).isTrue();
    assertThat(e.classes()).filteredOn(c -> c.verdict() instanceof Verdict.Reachable).singleElement()
        .satisfies(c -> assertThat(c.because()).contains("neighbour").contains("moby#45610"));
  }

  private static void notReachable(PortReach e) {
    assertThat(e.reachableFrom()).isEmpty();
    assertThat(e.possiblyReachableFrom()).isEmpty();
    assertThat(e.exact()).isTrue();
  }

  /** No ip6tables-save.txt: an IPv6 binding is "possibly", for that reason. */
  private static void ipv6Unknown(PortReach e) {
    assertThat(e.reachableFrom()).isEmpty();
    assertThat(cidrs(e.possiblyReachableFrom())).containsExactly("::/0");
    assertThat(e.classes()).allSatisfy(c -> assertThat(c.verdict()).isInstanceOfSatisfying(
        Verdict.PossiblyReachable.class, p -> assertThat(p.reasons()).contains("no ip6tables dump")));
  }

  @Test
  void everyCorpusDirectoryHasItsExpectationsHere() throws IOException {
    try (var dirs = Files.list(CORPUS)) {
      // public-* are rulesets people posted, checked against the posters' observations by PublicCorpusTest;
      // podman-* real Podman hosts, checked against the lab's connections by dev.breakwater.lab.PodmanCorpusTest.
      assertThat(dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
          .filter(n -> !n.startsWith("public-")).filter(n -> !n.startsWith("podman-")).sorted())
          .containsExactlyElementsOf(COVERED);
    }
  }

  @Test
  void filterOnlyDump() {
    Reachability r = load("filter-only-dump");

    PortReach mysql = exposure(r, "mysql", "0.0.0.0", 3306);
    assertThat(mysql.reachableFrom()).isEmpty();
    assertThat(cidrs(mysql.possiblyReachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(mysql.classes()).allSatisfy(c -> assertThat(c.verdict()).isInstanceOfSatisfying(
        Verdict.PossiblyReachable.class, p -> assertThat(p.reasons()).anySatisfy(
            why -> assertThat(why).contains("the nat table is not in the dump").contains("DOCKER"))));
    assertThat(texts(r.notes())).anySatisfy(n -> assertThat(n).contains("the nat table is not in the dump"));
    assertThat(tcp(r, STRANGER, HOST, 3306).verdict().label()).isEqualTo("possibly-reachable");
    // The missing nat table may translate 8080 to the container's 3306, which filter/DOCKER accepts.
    assertThat(tcp(r, STRANGER, HOST, 8080).verdict().label()).isEqualTo("possibly-reachable");
    assertThat(tcp(r, STRANGER, HOST, 8080).decision()).contains("the nat table is not in the dump");
  }

  @Test
  void iptablesSPaste() {
    Reachability r = load("iptables-s-paste");

    PortReach mysql = exposure(r, "mysql", "0.0.0.0", 3306);
    reachableFromAnywhereV4(mysql);
    assertThat(text(mysql.decidedBy()))
        .isEqualTo("-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 3306 -j ACCEPT");
    assertThat(mysql.decidedBy().orElseThrow().line()).isEqualTo(64);
    assertThat(texts(r.notes())).noneMatch(n -> n.contains("not in the dump"));
  }

  @Test
  void dockerUserNoJump() {
    Reachability r = load("docker-user-no-jump");

    PortReach mysql = exposure(r, "mysql", "0.0.0.0", 3306);
    reachableFromAnywhereV4(mysql);
    assertThat(texts(mysql.notes())).anySatisfy(n -> assertThat(n).contains("filter/DOCKER-USER")
        .contains("is not jumped to from FORWARD").contains("2 rules filter nothing"));
  }

  @Test
  void docker2010UfwBypass() {
    Reachability r = load("docker-20.10-ufw-bypass");

    PortReach mysql = exposure(r, "mysql", "0.0.0.0", 3306);
    reachableFromAnywhereV4(mysql);
    assertThat(text(mysql.decidedBy()))
        .isEqualTo("-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 3306 -j ACCEPT");
    ipv6Unknown(exposure(r, "mysql", "::", 3306));
    reachableFromAnywhereV4(exposure(r, "nginx", "0.0.0.0", 80));
    reachableFromAnywhereV4(exposure(r, "nginx", "0.0.0.0", 443));

    PortReach redis = exposure(r, "redis", "127.0.0.1", 6379);
    onlyTheLinkReaches(redis, "198.51.100.0/24");
    // The caveat: Docker before 28 lets a neighbour that addresses 127.0.0.1 by hand through.
    assertThat(texts(redis.notes())).anySatisfy(n -> assertThat(n).contains("neighbour").contains("198.51.100.0/24"));

    assertThat(r.exposures()).noneMatch(e -> e.port().containerPort() == 33060);

    Trace bypass = tcp(r, STRANGER, HOST, 3306);
    assertThat(bypass.verdict().label()).isEqualTo("reachable");
    assertThat(bypass.nat()).hasValueSatisfying(n -> {
      assertThat(n.toAddress()).isEqualTo(ip("172.17.0.2"));
      assertThat(n.toPort()).isEqualTo(3306);
    });
    assertThat(bypass.delivery()).hasValueSatisfying(d -> assertThat(d.describe()).contains("container mysql"));
    assertThat(bypass.hints()).anySatisfy(h -> {
      assertThat(h.code()).isEqualTo("input-rules-bypassed");
      assertThat(h.rule().chain()).isEqualTo("ufw-user-input");
      assertThat(h.rule().text()).contains("--dport 3306").endsWith("-j DROP");
    });

    Trace direct = tcp(r, NEIGHBOUR, "172.17.0.3", 6379);
    assertThat(direct.verdict().label()).isEqualTo("reachable");
    assertThat(text(direct.decidedBy())).contains("-d 172.17.0.3/32 ! -i docker0 -o docker0").contains("--dport 6379");
  }

  @Test
  void docker24ComposeNetwork() {
    Reachability r = load("docker-24-compose-network");

    PortReach db = exposure(r, "shop-db-1", "0.0.0.0", 5432);
    reachableFromAnywhereV4(db);
    assertThat(text(db.decidedBy())).contains("-d 172.18.0.2/32").contains("--dport 5432").endsWith("-j ACCEPT");

    PortReach web = exposure(r, "shop-web-1", "0.0.0.0", 8080);
    reachableFromAnywhereV4(web);
    // After DNAT the filter rule sees the container port.
    assertThat(text(web.decidedBy())).contains("-d 172.18.0.3/32").contains("--dport 80 ").endsWith("-j ACCEPT");

    assertThat(r.exposures()).noneMatch(e -> e.container().name().equals("shop-worker-1"));

    Trace t = tcp(r, STRANGER, HOST, 8080);
    assertThat(t.delivery()).containsInstanceOf(Delivery.Forwarded.class);
    Delivery.Forwarded to = (Delivery.Forwarded) t.delivery().orElseThrow();
    assertThat(to.address()).isEqualTo(ip("172.18.0.3"));
    assertThat(to.port()).isEqualTo(80);
    assertThat(to.outInterface()).isEqualTo("br-5e2c8f41a7d3");
    assertThat(to.container()).contains("shop-web-1");
  }

  @Test
  void docker28Ipv6() {
    Reachability r = load("docker-28-ipv6");

    reachableFromAnywhereV4(exposure(r, "web", "0.0.0.0", 8080));
    PortReach web6 = exposure(r, "web", "::", 8080);
    assertThat(cidrs(web6.reachableFrom())).containsExactly("::/0");
    assertThat(web6.exact()).isTrue();
    assertThat(text(web6.decidedBy())).contains("-d fd00:dead:beef::2/128").contains("--dport 80 ").endsWith("-j ACCEPT");

    reachableFromAnywhereV4(exposure(r, "search-es-1", "0.0.0.0", 9200));
    // docker-proxy only: no ip6tables DNAT, local delivery, INPUT's DROP policy after ufw6 allows only 22.
    PortReach es6 = exposure(r, "search-es-1", "::", 9200);
    notReachable(es6);
    assertThat(es6.classes()).allSatisfy(c -> assertThat(c.because()).contains("INPUT"));

    assertThat(r.exposures()).noneMatch(e -> e.port().containerPort() == 9300);

    Trace t = tcp(r, "2001:db8:99::7", "2001:db8:10::10", 9200);
    assertThat(t.verdict().label()).isEqualTo("blocked");
    assertThat(t.nat()).isEmpty();
    assertThat(t.path()).anySatisfy(s -> assertThat(s.describe()).contains("local delivery"));
  }

  @Test
  void docker28UfwBypass() {
    Reachability r = load("docker-28-ufw-bypass");

    PortReach mysql = exposure(r, "mysql", "0.0.0.0", 3306);
    reachableFromAnywhereV4(mysql);
    assertThat(text(mysql.decidedBy())).contains("-d 172.17.0.2/32").contains("--dport 3306").endsWith("-j ACCEPT");

    PortReach redis = exposure(r, "redis", "127.0.0.1", 6379);
    // Docker 28 drops a packet for 127.0.0.1 that did not come from lo in raw PREROUTING.
    notReachable(redis);
    assertThat(texts(redis.notes())).noneMatch(n -> n.contains("neighbour"));

    Trace toLoopback = tcp(r, NEIGHBOUR, "127.0.0.1", 6379);
    assertThat(toLoopback.verdict().label()).isEqualTo("blocked");
    assertThat(toLoopback.decidedBy().map(Rule::citation)).hasValueSatisfying(c -> assertThat(c).startsWith("raw/PREROUTING"));
    assertThat(text(toLoopback.decidedBy())).isEqualTo("-A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 6379 -j DROP");

    Trace direct = tcp(r, NEIGHBOUR, "172.17.0.2", 3306);
    assertThat(direct.verdict().label()).isEqualTo("blocked");
    assertThat(text(direct.decidedBy())).isEqualTo("-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP");

    assertThat(r.exposures()).noneMatch(e -> e.container().name().equals("jobs"));
  }

  @Test
  void dockerUserBareDrop() {
    Reachability r = load("docker-user-bare-drop");

    PortReach mysql = exposure(r, "mysql", "0.0.0.0", 3306);
    notReachable(mysql);
    assertThat(mysql.classes()).filteredOn(c -> c.family() == dev.breakwater.net.IpFamily.V4)
        .allSatisfy(c -> assertThat(text(c.decidedBy())).isEqualTo("-A DOCKER-USER -i eth0 -j DROP"));

    Trace t = tcp(r, STRANGER, HOST, 3306);
    assertThat(t.verdict().label()).isEqualTo("blocked");
    assertThat(t.hints()).anySatisfy(h -> {
      assertThat(h.code()).isEqualTo("drop-without-established");
      assertThat(h.rule().text()).isEqualTo("-A DOCKER-USER -i eth0 -j DROP");
      assertThat(h.message()).contains("RELATED,ESTABLISHED -j RETURN");
    });
  }

  @Test
  void dockerUserDportMistake() {
    Reachability r = load("docker-user-dport-mistake");

    PortReach admin = exposure(r, "admin", "0.0.0.0", 3306);
    reachableFromAnywhereV4(admin);
    assertThat(text(admin.decidedBy())).contains("-d 172.17.0.2/32").contains("--dport 80 ").endsWith("-j ACCEPT");

    Trace t = tcp(r, STRANGER, HOST, 3306);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.hints()).anySatisfy(h -> {
      assertThat(h.code()).isEqualTo("dport-after-dnat");
      assertThat(h.rule().text()).isEqualTo("-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 3306 -j DROP");
      assertThat(h.message()).contains("-m conntrack --ctorigdstport 3306 --ctdir ORIGINAL");
    });
  }

  @Test
  void dockerUserFixed() {
    Reachability r = load("docker-user-fixed");

    PortReach mysql = exposure(r, "mysql", "0.0.0.0", 3306);
    assertThat(cidrs(mysql.reachableFrom())).containsExactly("198.51.100.0/24");
    assertThat(mysql.possiblyReachableFrom()).isEmpty();
    assertThat(text(mysql.decidedBy())).isEqualTo("-A DOCKER-USER -s 198.51.100.0/24 -j RETURN");
    assertThat(mysql.classes()).filteredOn(c -> c.verdict() instanceof Verdict.Blocked)
        .singleElement()
        .satisfies(c -> {
          assertThat(text(c.decidedBy())).isEqualTo("-A DOCKER-USER -i eth0 -j DROP");
          assertThat(AddressSets.union(c.sources()))
              .isEqualTo(AddressSets.minus(List.of(ip("0.0.0.0/0")), List.of(ip("198.51.100.0/24"))));
        });

    Trace lan = tcp(r, NEIGHBOUR, HOST, 3306);
    assertThat(lan.verdict().label()).isEqualTo("reachable");
    assertThat(lan.hints()).noneMatch(h -> h.code().equals("drop-without-established"));
    assertThat(tcp(r, STRANGER, HOST, 3306).verdict().label()).isEqualTo("blocked");
  }

  @Test
  void hostNetworkContainer() {
    Reachability r = load("host-network-container");

    assertThat(r.exposures()).isEmpty();
    assertThat(texts(r.notes())).anySatisfy(n -> assertThat(n).contains("node-exporter").contains("network_mode: host"));
    assertThat(texts(r.notes())).anySatisfy(n -> assertThat(n).contains("cache").contains("network_mode: host"));

    // By the rules: 9100 open to 198.51.100.0/24 only, 6379 closed by UFW's default deny.
    Trace lan = tcp(r, NEIGHBOUR, HOST, 9100);
    assertThat(lan.verdict().label()).isEqualTo("reachable");
    assertThat(lan.delivery()).containsInstanceOf(Delivery.HostSocket.class);
    assertThat(text(lan.decidedBy())).contains("ufw-user-input -s 198.51.100.0/24").contains("--dport 9100");
    assertThat(tcp(r, STRANGER, HOST, 9100).verdict().label()).isEqualTo("blocked");
    assertThat(tcp(r, NEIGHBOUR, HOST, 6379).verdict().label()).isEqualTo("blocked");
  }

  @Test
  void inputOnlyBelief() {
    Reachability r = load("input-only-belief");

    PortReach pg = exposure(r, "pg", "0.0.0.0", 5432);
    reachableFromAnywhereV4(pg);

    Trace t = tcp(r, STRANGER, HOST, 5432);
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.hints()).filteredOn(h -> h.code().equals("input-rules-bypassed"))
        .extracting(h -> h.rule().text())
        .containsExactlyInAnyOrder("-A ufw-user-input -p tcp -m tcp --dport 5432 -j DROP",
            "-A INPUT -p tcp -m tcp --dport 5432 -j DROP");
  }

  @Test
  void inputRulesBypassedOnAnNftablesBackendHostNameTheNftPlace() {
    HostFacts iptablesBackend = SnapshotDirectory.read(CORPUS.resolve("input-only-belief"));
    HostFacts nftBackend = new HostFacts(iptablesBackend.hostname(), iptablesBackend.interfaces(),
        iptablesBackend.routes(), iptablesBackend.containers(), iptablesBackend.ipv4(), iptablesBackend.ipv6(),
        iptablesBackend.ufw(), iptablesBackend.daemon(), iptablesBackend.notes(),
        new dev.breakwater.host.HostSetup(Optional.of("nftables")), iptablesBackend.listeners());

    List<String> iptablesHints = bypassHints(Reachability.of(iptablesBackend));
    List<String> nftHints = bypassHints(Reachability.of(nftBackend));

    assertThat(iptablesHints).hasSize(2).allSatisfy(h -> assertThat(h).endsWith(" Put the policy in DOCKER-USER."));
    assertThat(nftHints).hasSize(2).allSatisfy(h -> assertThat(h)
        .doesNotContain("Put the policy in DOCKER-USER")
        .contains("a table of your own at forward priority filter - 1")
        .contains("--backend nft")
        .endsWith("Docker's nftables backend has no DOCKER-USER chain."));
  }

  private static List<String> bypassHints(Reachability r) {
    return tcp(r, STRANGER, HOST, 5432).hints().stream().filter(h -> h.code().equals("input-rules-bypassed"))
        .map(Hint::message).toList();
  }

  @Test
  void nftExtraTable() {
    Reachability r = load("nft-extra-table");

    // firewalld's forward chain (inet, priority 10) runs after iptables-nft's filter (0) accepted:
    // it accepts only established traffic and rejects the rest, so a new connection is refused.
    PortReach grafana = exposure(r, "grafana", "0.0.0.0", 3000);
    assertThat(grafana.reachableFrom()).isEmpty();
    assertThat(grafana.possiblyReachableFrom()).isEmpty();
    assertThat(grafana.exact()).isTrue();
    Trace stranger = tcp(r, STRANGER, HOST, 3000);
    assertThat(stranger.verdict().label()).isEqualTo("blocked");
    assertThat(stranger.decidedBy()).hasValueSatisfying(rule -> {
      assertThat(rule.citation()).isEqualTo("inet firewalld/filter_FORWARD #2 (handle 41)");
      assertThat(rule.text()).isEqualTo("reject with icmpx admin-prohibited");
    });
  }

  @Test
  void ufwRouteRules() {
    Reachability r = load("ufw-route-rules");

    PortReach mysql = exposure(r, "mysql", "0.0.0.0", 3306);
    reachableFromAnywhereV4(mysql);
    assertThat(mysql.decidedBy().map(Rule::chain)).contains("DOCKER");
    assertThat(r.exposures()).allMatch(e -> e.container().name().equals("mysql"));

    // prometheus (metrics) is not published, but direct routing from the LAN reaches it via ufw route allow.
    Trace lan = tcp(r, NEIGHBOUR, "172.17.0.3", 9090);
    assertThat(lan.verdict().label()).isEqualTo("reachable");
    assertThat(text(lan.decidedBy()))
        .isEqualTo("-A ufw-user-forward -s 198.51.100.0/24 -d 172.17.0.3/32 -p tcp -m tcp --dport 9090 -j ACCEPT");
    assertThat(tcp(r, STRANGER, "172.17.0.3", 9090).verdict().label()).isEqualTo("blocked");
  }

  @Test
  void unknownModule() {
    Reachability r = load("unknown-module");

    PortReach mysql = exposure(r, "mysql", "0.0.0.0", 3306);
    assertThat(mysql.reachableFrom()).isEmpty();
    assertThat(cidrs(mysql.possiblyReachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(mysql.exact()).isFalse();
    assertThat(mysql.uncertainBecause()).extracting(Rule::text)
        .anySatisfy(t -> assertThat(t).contains("-m recent --rcheck").endsWith("-j DROP"))
        .anySatisfy(t -> assertThat(t).contains("-m limit --limit 10/min").endsWith("-j RETURN"))
        .noneSatisfy(t -> assertThat(t).contains("--set"));
    assertThat(text(mysql.decidedBy())).contains("-m recent --rcheck");

    reachableFromAnywhereV4(exposure(r, "nginx", "0.0.0.0", 80));
  }

  // The lab snapshots come from a real kernel, and their EXPECTED.md records what real TCP
  // handshakes from the attacker addresses got ("connected" or "timed out").

  private static final Pattern PROBE = Pattern.compile(
      "^(\\S+) -> \\[?([0-9a-f.:]+?)\\]?:(\\d+)\\s+(connected|timed out|refused)", Pattern.MULTILINE);

  @TestFactory
  Stream<DynamicTest> labSnapshotsAgreeWithRealConnections() {
    return LAB.stream().map(scenario -> DynamicTest.dynamicTest(scenario, () -> {
      String expected = Files.readString(CORPUS.resolve(scenario).resolve("EXPECTED.md"));
      // Only the ```probe block: a ```neighbour block (lab probe --neighbour) follows in some files.
      int start = expected.indexOf("```probe\n") + "```probe\n".length();
      String probes = expected.substring(start, expected.indexOf("```", start));
      Reachability r = load(scenario);
      Matcher m = PROBE.matcher(probes);
      int seen = 0;
      while (m.find()) {
        seen++;
        if (m.group(4).equals("refused")) {
          continue; // Let in, then reset by the host itself: nothing listens there, neither verdict fits.
        }
        Trace t = tcp(r, m.group(1), m.group(2), Integer.parseInt(m.group(3)));
        assertThat(t.verdict().label()).as(m.group()).isEqualTo(m.group(4).equals("connected") ? "reachable" : "blocked");
      }
      assertThat(seen).as("probe lines in %s", scenario).isPositive().isEqualTo(probes.strip().split("\n").length);
    }));
  }

  @Test
  void labSeedIncident() {
    Reachability r = load("lab-seed-incident");

    reachableFromAnywhereV4(exposure(r, "db", "0.0.0.0", 3306));
    assertThat(cidrs(exposure(r, "db", "::", 3306).reachableFrom())).containsExactly("::/0");
    reachableFromAnywhereV4(exposure(r, "web", "0.0.0.0", 8080));
    assertThat(cidrs(exposure(r, "web", "::", 8080).reachableFrom())).containsExactly("::/0");
    onlyTheLinkReaches(exposure(r, "cache", "127.0.0.1", 6379), "198.51.100.0/24");
  }

  @Test
  void labDockerUserFixV4LeavesIpv6Open() {
    Reachability r = load("lab-docker-user-fix-v4");

    PortReach db = exposure(r, "db", "0.0.0.0", 3306);
    notReachable(db);
    assertThat(db.classes()).allSatisfy(c -> assertThat(text(c.decidedBy()))
        .isEqualTo("-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 3306 --ctdir ORIGINAL -j DROP"));
    assertThat(cidrs(exposure(r, "db", "::", 3306).reachableFrom())).containsExactly("::/0");
    reachableFromAnywhereV4(exposure(r, "web", "0.0.0.0", 8080));
  }

  @Test
  void labDockerUserFixClosesBothFamilies() {
    Reachability r = load("lab-docker-user-fix");

    notReachable(exposure(r, "db", "0.0.0.0", 3306));
    notReachable(exposure(r, "db", "::", 3306));
    assertThat(cidrs(exposure(r, "web", "::", 8080).reachableFrom())).containsExactly("::/0");
  }

  @Test
  void labDockerUserAllowlist() {
    Reachability r = load("lab-docker-user-allowlist");

    PortReach db = exposure(r, "db", "0.0.0.0", 3306);
    assertThat(cidrs(db.reachableFrom())).containsExactly("198.51.100.67/32");
    assertThat(text(db.decidedBy()))
        .isEqualTo("-A DOCKER-USER -s 198.51.100.67/32 -i eth0 -p tcp -m conntrack --ctorigdstport 3306 --ctdir ORIGINAL -j RETURN");
    notReachable(exposure(r, "db", "::", 3306));
  }

  @Test
  void labLoopbackBound() {
    Reachability r = load("lab-loopback-bound");

    onlyTheLinkReaches(exposure(r, "db", "127.0.0.1", 3306), "198.51.100.0/24");
    onlyTheLinkReaches(exposure(r, "cache", "127.0.0.1", 6379), "198.51.100.0/24");
    reachableFromAnywhereV4(exposure(r, "web", "0.0.0.0", 8080));
  }

  // Docker 29's nftables backend (moby's nftablesdoc scenarios; EXPECTED.md says which answers
  // the kernel gave in the lab and which are derived).

  private static final String PORT_ACCEPT = "ip daddr 192.0.2.2 tcp dport 80 counter accept";

  /** The classes of an exposure that arrive on eth0: the outside world. */
  private static List<SourceClass> fromEth0(PortReach e) {
    return e.classes().stream().filter(c -> c.ingress().equals("eth0")).toList();
  }

  private static void decided(Trace t, String verdict, String citationStart, String ruleText) {
    assertThat(t.verdict().label()).isEqualTo(verdict);
    assertThat(t.decidedBy()).hasValueSatisfying(rule -> {
      assertThat(rule.citation()).startsWith(citationStart);
      assertThat(rule.text()).isEqualTo(ruleText);
    });
  }

  @Test
  void docker29NftPortmap() {
    Reachability r = load("docker-29-nft-portmap");

    PortReach c1 = exposure(r, "c1", "0.0.0.0", 8080);
    reachableFromAnywhereV4(c1);
    assertThat(c1.decidedBy().map(Rule::citation)).hasValueSatisfying(
        c -> assertThat(c).startsWith("ip docker-bridges/filter-forward-in__bridge1 #3"));
    assertThat(text(c1.decidedBy())).isEqualTo(PORT_ACCEPT);
    Trace t = tcp(r, STRANGER, HOST, 8080);
    assertThat(t.nat()).hasValueSatisfying(n -> assertThat(n.toAddress()).isEqualTo(ip("192.0.2.2")));
    decided(t, "reachable", "ip docker-bridges/filter-forward-in__bridge1", PORT_ACCEPT);
    decided(tcp(r, NEIGHBOUR, "192.0.2.2", 80), "blocked", "ip docker-bridges/raw-PREROUTING",
        "ip daddr 192.0.2.2 iifname != \"bridge1\" counter drop comment \"DROP DIRECT ACCESS\"");
  }

  @Test
  void docker29NftRoutedOpensTheContainerPortItself() {
    Reachability r = load("docker-29-nft-routed");

    assertThat(r.exposures()).isEmpty();
    decided(tcp(r, STRANGER, "192.0.2.2", 80), "reachable", "ip docker-bridges/filter-forward-in__bridge1", PORT_ACCEPT);
    decided(tcp(r, STRANGER, "192.0.2.2", 81), "blocked", "ip docker-bridges/filter-forward-in__bridge1",
        "counter drop comment \"UNPUBLISHED PORT DROP\"");
  }

  @Test
  void docker29NftNatUnprotected() {
    Reachability r = load("docker-29-nft-natunprot");

    PortReach c1 = exposure(r, "c1", "0.0.0.0", 8080);
    reachableFromAnywhereV4(c1);
    assertThat(text(c1.decidedBy())).isEqualTo("counter accept comment \"UNPROTECTED\"");
    decided(tcp(r, NEIGHBOUR, "192.0.2.2", 81), "reachable", "ip docker-bridges/filter-forward-in__bridge1",
        "counter accept comment \"UNPROTECTED\"");
  }

  @Test
  void docker29NftNoIcc() {
    Reachability r = load("docker-29-nft-noicc");

    PortReach c1 = exposure(r, "c1", "0.0.0.0", 8080);
    reachableFromAnywhereV4(c1);
    assertThat(text(c1.decidedBy())).isEqualTo(PORT_ACCEPT);
    assertThat(tcp(r, NEIGHBOUR, "192.0.2.2", 80).verdict().label()).isEqualTo("blocked");
  }

  @Test
  void docker29NftLoopbackBinding() {
    Reachability r = load("docker-29-nft-lo");

    notReachable(exposure(r, "c1", "127.0.0.1", 8080));
    decided(tcp(r, NEIGHBOUR, "127.0.0.1", 8080), "blocked", "ip docker-bridges/raw-PREROUTING",
        "iifname != \"lo\" ip daddr 127.0.0.1 tcp dport 8080 counter drop comment \"DROP REMOTE LOOPBACK\"");
  }

  @Test
  void docker29NftInternalNetworks() {
    Reachability r = load("docker-29-nft-internal");

    assertThat(r.exposures()).isEmpty();
    decided(r.trace(new Packet(ip("203.0.113.20"), ip("192.0.2.2"), Transport.TCP, 50000, 80, "eth0")), "blocked",
        "ip docker-bridges/filter-forward-in__bridgeICC",
        "iifname != \"bridgeICC\" counter drop comment \"INTERNAL NETWORK INGRESS\"");
    decided(r.trace(new Packet(ip("203.0.113.20"), ip("198.51.100.2"), Transport.TCP, 50000, 80, "eth0")), "blocked",
        "ip docker-bridges/filter-forward-in__bridgeNoICC",
        "iifname != \"bridgeNoICC\" counter drop comment \"INTERNAL NETWORK INGRESS\"");
  }

  @Test
  void docker29NftIpv6Golden() {
    Reachability r = load("docker-29-nft-ipv6");

    PortReach v4 = exposure(r, "c1", "0.0.0.0", 8080);
    reachableFromAnywhereV4(v4);
    assertThat(text(v4.decidedBy())).isEqualTo("ip daddr 192.168.0.2 tcp dport 80 counter accept");
    PortReach v6 = exposure(r, "c1", "::", 8080);
    assertThat(cidrs(v6.reachableFrom())).containsExactly("::/0");
    assertThat(v6.exact()).isTrue();
    Trace t = tcp(r, "2001:db8:99::7", "2001:db8:10::10", 8080);
    assertThat(t.nat()).hasValueSatisfying(n -> assertThat(n.toAddress()).isEqualTo(ip("fd49:efd7:54aa::1")));
    decided(t, "reachable", "ip6 docker-bridges/filter-forward-in__br-dummy",
        "ip6 daddr fd49:efd7:54aa::1 tcp dport 80 counter accept");
    // The DNAT skips link-local sources: they reach docker-proxy on the host, through an empty INPUT.
    Trace linkLocal = tcp(r, "fe80::7", "2001:db8:10::10", 8080);
    assertThat(linkLocal.nat()).isEmpty();
    assertThat(linkLocal.verdict().label()).isEqualTo("reachable");
    assertThat(linkLocal.delivery()).containsInstanceOf(Delivery.HostSocket.class);
  }

  @Test
  void docker29NftWithUfwRouteAllowLetsExactlyThatSourceIn() {
    Reachability r = load("docker-29-nft-ufw");

    PortReach c1 = exposure(r, "c1", "0.0.0.0", 8080);
    assertThat(cidrs(c1.reachableFrom())).containsExactly("198.51.100.20/32");
    assertThat(c1.possiblyReachableFrom()).isEmpty();
    assertThat(c1.exact()).isTrue();
    assertThat(text(c1.decidedBy()))
        .isEqualTo("-A ufw-user-forward -s 198.51.100.20/32 -d 192.0.2.2/32 -p tcp -m tcp --dport 80 -j ACCEPT");
    assertThat(fromEth0(c1)).filteredOn(c -> c.verdict() instanceof Verdict.Blocked).singleElement()
        .satisfies(c -> assertThat(c.because()).contains("filter/FORWARD policy DROP"));
    // Kernel (research nftables.md §1.6 S3b): the allowed source connects, any other times out.
    assertThat(tcp(r, "198.51.100.20", HOST, 8080).verdict().label()).isEqualTo("reachable");
    assertThat(tcp(r, STRANGER, HOST, 8080).verdict().label()).isEqualTo("blocked");
  }

  @Test
  void docker29NftMigratedHostStillFiltersInDockerUser() {
    Reachability r = load("docker-29-nft-migrated");

    PortReach c1 = exposure(r, "c1", "0.0.0.0", 8080);
    assertThat(fromEth0(c1)).filteredOn(c -> c.verdict() instanceof Verdict.Reachable).singleElement()
        .satisfies(c -> assertThat(cidrs(c.sources())).containsExactly("198.51.100.0/24"));
    assertThat(fromEth0(c1)).filteredOn(c -> c.verdict() instanceof Verdict.Blocked).singleElement()
        .satisfies(c -> assertThat(text(c.decidedBy())).isEqualTo("-A DOCKER-USER -i eth0 -j DROP"));
    assertThat(c1.possiblyReachableFrom()).isEmpty();
    decided(tcp(r, NEIGHBOUR, HOST, 8080), "reachable", "ip docker-bridges/filter-forward-in__bridge1", PORT_ACCEPT);
    decided(tcp(r, STRANGER, HOST, 8080), "blocked", "filter/DOCKER-USER", "-A DOCKER-USER -i eth0 -j DROP");
  }

  @Test
  void docker29NftMigratedExposureIsTheAllowlistOnly() {
    PortReach c1 = exposure(load("docker-29-nft-migrated"), "c1", "0.0.0.0", 8080);

    assertThat(cidrs(c1.reachableFrom())).containsExactly("198.51.100.0/24");
    assertThat(c1.classes()).noneMatch(c -> c.ingress().equals("bridge1"));
  }

  @Test
  void docker29NftBridgeAcceptFwmark() {
    Reachability r = load("docker-29-nft-fwmark");

    String fwmark = "meta mark & 0x00000001 == 0x00000001 counter accept comment \"ALLOW FW MARK\"";
    decided(tcp(r, NEIGHBOUR, "192.0.2.2", 81), "reachable", "ip docker-bridges/filter-forward-in__bridge1 #3", fwmark);
    decided(tcp(r, STRANGER, "192.0.2.2", 81), "blocked", "ip docker-bridges/filter-forward-in__bridge1",
        "counter drop comment \"UNPUBLISHED PORT DROP\"");
    decided(tcp(r, STRANGER, "192.0.2.2", 80), "reachable", "ip docker-bridges/filter-forward-in__bridge1", PORT_ACCEPT);
  }
}
