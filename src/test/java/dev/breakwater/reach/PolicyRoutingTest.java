package dev.breakwater.reach;

import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.Transport;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy routing ({@code ip rule}) in hand-written snapshots: a Tailscale-like table 52, wg-quick's
 * fwmark rules, a host that routes one source address by a table of its own. Each answer here is
 * what the kernel does (fib_rules_lookup, fib_validate_source); with the main table alone the
 * engine gave the opposite one.
 */
class PolicyRoutingTest {
  @TempDir
  Path temp;

  private static final String LO = """
      {"ifname":"lo","flags":["LOOPBACK","UP"],"operstate":"UNKNOWN","link_type":"loopback",
       "addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]}""";

  private static String nic(String name, String... cidrs) {
    StringBuilder s = new StringBuilder("{\"ifname\":\"" + name + "\",\"flags\":[\"UP\"],\"operstate\":\"UP\","
        + "\"link_type\":\"ether\",\"addr_info\":[");
    for (int i = 0; i < cidrs.length; i++) {
      String[] p = cidrs[i].split("/");
      s.append(i == 0 ? "" : ",").append("{\"family\":\"inet\",\"local\":\"").append(p[0]).append("\",\"prefixlen\":")
          .append(p[1]).append('}');
    }
    return s.append("]}").toString();
  }

  private static final String ADDRESSES = "[" + LO + ",\n" + nic("eth0", "198.51.100.1/24") + ",\n"
      + nic("eth1", "198.19.7.1/24") + ",\n" + nic("docker0", "198.18.0.1/24") + ",\n" + nic("tailscale0", "100.100.1.1/32")
      + ",\n" + nic("wg0", "10.66.0.2/32") + "]\n";

  /** Main, and the local table's own routes, as "ip -4 -j route show table all" prints them. */
  private static final String MAIN = """
      {"dst":"default","gateway":"198.51.100.254","dev":"eth0","flags":[]},
      {"dst":"198.51.100.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"198.51.100.1","flags":[]},
      {"dst":"198.19.7.0/24","dev":"eth1","protocol":"kernel","scope":"link","prefsrc":"198.19.7.1","flags":[]},
      {"dst":"198.18.0.0/24","dev":"docker0","protocol":"kernel","scope":"link","prefsrc":"198.18.0.1","flags":[]},
      {"type":"local","dst":"127.0.0.0/8","dev":"lo","table":"local","protocol":"kernel","scope":"host","flags":[]},
      {"type":"local","dst":"198.51.100.1","dev":"eth0","table":"local","protocol":"kernel","scope":"host","flags":[]}""";

  private static final String DEFAULT_RULES = """
      {"priority":0,"src":"all","table":"local"},
      {"priority":32766,"src":"all","table":"main"},
      {"priority":32767,"src":"all","table":"default"}""";

  /** FORWARD lets into the containers only what arrives on eth0 and leaves by docker0, and their answers out. */
  private static final String FILTER = """
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A FORWARD -i eth0 -o docker0 -j ACCEPT
      -A FORWARD -i eth0 -o eth0 -j ACCEPT
      COMMIT
      """;

  private Reachability host(String iptables, String routes, String rules, Map<String, String> more) throws IOException {
    Path dir = Files.createTempDirectory(temp, "snapshot-");
    Files.writeString(dir.resolve("iptables-save.txt"), iptables);
    Files.writeString(dir.resolve("docker-inspect.json"), "[]\n");
    Files.writeString(dir.resolve("ip-addr.json"), ADDRESSES);
    Files.writeString(dir.resolve("ip-route.json"), "[" + routes + "]\n");
    if (rules != null) {
      Files.writeString(dir.resolve("ip-rule.json"), "[" + rules + "]\n");
    }
    for (Map.Entry<String, String> e : more.entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue());
    }
    return Reachability.of(SnapshotDirectory.read(dir));
  }

  private static Trace syn(Reachability r, String source, String destination, String in) {
    return r.trace(new Packet(ip(source), ip(destination), Transport.TCP, 40000, 80, in));
  }

  private static Trace syn(Reachability r, String source, int sourcePort, String destination, String in) {
    return r.trace(new Packet(ip(source), ip(destination), Transport.TCP, sourcePort, 80, in));
  }

  // --- Tailscale: "5270: from all lookup 52", a peer advertising the containers' subnet ---

  private static final String TAILSCALE_RULES = """
      {"priority":0,"src":"all","table":"local"},
      {"priority":5210,"src":"all","fwmark":"0x80000","fwmask":"0xff0000","table":"main"},
      {"priority":5230,"src":"all","fwmark":"0x80000","fwmask":"0xff0000","table":"default"},
      {"priority":5250,"src":"all","fwmark":"0x80000","fwmask":"0xff0000","action":"unreachable"},
      {"priority":5270,"src":"all","table":"52"},
      {"priority":32766,"src":"all","table":"main"},
      {"priority":32767,"src":"all","table":"default"}""";

  private static final String TABLE_52 = """
      ,{"dst":"100.64.0.0/10","dev":"tailscale0","table":"52","flags":[]},
      {"dst":"198.18.0.0/24","dev":"tailscale0","table":"52","flags":[]}""";

  @Test
  void tailscalesTableSendsTheContainersSubnetAwayFromDocker0() throws IOException {
    Reachability withRules = host(FILTER, MAIN + TABLE_52, TAILSCALE_RULES, Map.of());
    Trace t = syn(withRules, "203.0.113.9", "198.18.0.2", "eth0");
    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(t.path().stream().map(TraceStep::describe)).anyMatch(s -> s.contains("forward out of tailscale0")
        && s.contains("5270: from all lookup 52"));
    // An old snapshot (no ip-rule.json) keeps the default rules: main sends it to docker0.
    Reachability without = host(FILTER, MAIN + TABLE_52, null, Map.of());
    assertThat(syn(without, "203.0.113.9", "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.REACHABLE);
    // A packet Tailscale marks (0x80000) takes main at 5210: docker0 again.
    String marking = FILTER + "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -s 203.0.113.0/24 -j MARK --set-xmark"
        + " 0x80000/0xff0000\nCOMMIT\n";
    Reachability marked = host(marking, MAIN + TABLE_52, TAILSCALE_RULES, Map.of());
    assertThat(syn(marked, "203.0.113.9", "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(syn(marked, "192.0.2.9", "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.BLOCKED);
  }

  // --- wg-quick: every packet but its own (fwmark 0xca6c) goes by wg0 ---

  private static final String WG_RULES = """
      {"priority":0,"src":"all","table":"local"},
      {"priority":32764,"src":"all","table":"main","suppress_prefixlen":0},
      {"priority":32765,"not":null,"src":"all","fwmark":"0xca6c","table":"51820"},
      {"priority":32766,"src":"all","table":"main"},
      {"priority":32767,"src":"all","table":"default"}""";

  private static final String TABLE_51820 = """
      ,{"dst":"default","dev":"wg0","table":"51820","scope":"link","flags":[]}""";

  @Test
  void wgQuickSuppressesMainsDefaultAndRoutesTheRestByWg0() throws IOException {
    Reachability r = host(FILTER, MAIN + TABLE_51820, WG_RULES, Map.of());
    // 198.18.5.5 has no route of its own in main: main's default is suppressed, table 51820 takes it.
    Trace away = syn(r, "203.0.113.9", "198.18.5.5", "eth0");
    assertThat(away.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(away.path().stream().map(TraceStep::describe)).anyMatch(s -> s.contains("forward out of wg0"));
    // The containers' /24 is longer than /0: main keeps it.
    assertThat(syn(r, "203.0.113.9", "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.REACHABLE);
    // A packet marked 0xca6c skips 32765 and takes main's default: out of eth0.
    String marking = FILTER + "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -s 192.0.2.0/24 -j MARK --set-xmark"
        + " 0xca6c/0xffffffff\nCOMMIT\n";
    Reachability marked = host(marking, MAIN + TABLE_51820, WG_RULES, Map.of());
    assertThat(syn(marked, "192.0.2.9", "198.18.5.5", "eth0").verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(syn(marked, "203.0.113.9", "198.18.5.5", "eth0").verdict()).isEqualTo(Verdict.BLOCKED);
  }

  @Test
  void wgQuicksRouteBackFailsAStrictReversePathFilterOnEth0() throws IOException {
    String sysctl = "net.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.all.src_valid_mark = 1\nnet.ipv4.ip_forward = 1\n"
        + "net.ipv4.conf.all.accept_local = 0\n";
    Reachability r = host(FILTER, MAIN + TABLE_51820, WG_RULES, Map.of("sysctl.txt", sysctl));
    // The route back to 203.0.113.9 is wg0's (main's default suppressed), not eth0: strict drops.
    Trace t = syn(r, "203.0.113.9", "198.18.0.2", "eth0");
    assertThat(t.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(t.decision()).contains("reverse-path filter").contains("wg0");
    // Its own subnet's route back is main's /24 by eth0: it passes.
    assertThat(syn(r, "198.51.100.77", "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.REACHABLE);
    // Without the rules, main's default goes back by eth0.
    assertThat(syn(host(FILTER, MAIN + TABLE_51820, null, Map.of("sysctl.txt", sysctl)), "203.0.113.9", "198.18.0.2",
        "eth0").verdict()).isEqualTo(Verdict.REACHABLE);
  }

  // --- A second uplink whose address answers by a table of its own ---

  private static final String SOURCE_RULES = """
      {"priority":0,"src":"all","table":"local"},
      {"priority":100,"src":"198.19.7.1","table":"100"},
      {"priority":32766,"src":"all","table":"main"},
      {"priority":32767,"src":"all","table":"default"}""";

  private static final String TABLE_100 = """
      ,{"dst":"default","gateway":"198.19.7.254","dev":"eth1","table":"100","flags":[]}""";

  @Test
  void aSourceRoutedAddressPassesStrictFilteringOnItsOwnUplink() throws IOException {
    Map<String, String> strict = Map.of("sysctl.txt", "net.ipv4.conf.all.rp_filter = 1\n");
    Reachability r = host(FILTER, MAIN + TABLE_100, SOURCE_RULES, strict);
    // To the host's eth1 address: the route back (from 198.19.7.1) is table 100's, by eth1.
    assertThat(syn(r, "203.0.113.9", "198.19.7.1", "eth1").verdict()).isEqualTo(Verdict.REACHABLE);
    // Main alone sends the answer by eth0: strict mode would drop what the kernel takes.
    Reachability mainOnly = host(FILTER, MAIN + TABLE_100, null, strict);
    assertThat(syn(mainOnly, "203.0.113.9", "198.19.7.1", "eth1").verdict()).isEqualTo(Verdict.BLOCKED);
  }

  @Test
  void aFromRuleSplitsTheSourcesOfAnExposureExactly() throws IOException {
    String rules = """
        {"priority":0,"src":"all","table":"local"},
        {"priority":10,"src":"203.0.113.0","srclen":24,"action":"blackhole"},
        {"priority":32766,"src":"all","table":"main"}""";
    Reachability r = host(FILTER, MAIN, rules, Map.of());
    assertThat(syn(r, "203.0.113.9", "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(syn(r, "203.0.114.9", "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.REACHABLE);
  }

  @Test
  void aSourcePortRuleIsTheSendersChoice() throws IOException {
    String rules = """
        {"priority":0,"src":"all","table":"local"},
        {"priority":10,"src":"all","ipproto":"tcp","sport_start":1000,"sport_end":2000,"action":"prohibit"},
        {"priority":32766,"src":"all","table":"main"}""";
    Reachability r = host(FILTER, MAIN, rules, Map.of());
    assertThat(syn(r, "203.0.113.9", 1500, "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(syn(r, "203.0.113.9", 40000, "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.REACHABLE);
    // The sender that starts from a blocked port learns which ports get through.
    Trace best = r.traceChoosing(new Packet(ip("203.0.113.9"), ip("198.18.0.2"), Transport.TCP, 1500, 80, "eth0"), true,
        false);
    assertThat(best.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(best.packet().sourcePort() < 1000 || best.packet().sourcePort() > 2000).isTrue();
  }

  @Test
  void gotoSkipsToItsTargetAndNopGoesOn() throws IOException {
    String rules = """
        {"priority":0,"src":"all","table":"local"},
        {"priority":4,"src":"198.18.0.0","srclen":24,"table":"main"},
        {"priority":5,"src":"203.0.113.0","srclen":24,"goto":20},
        {"priority":6,"src":"all","nop":null},
        {"priority":10,"src":"all","action":"blackhole"},
        {"priority":20,"src":"all","table":"main"}""";
    // Rule 4 routes the containers' answers by main; without it they would meet the blackhole.
    Reachability r = host(FILTER, MAIN, rules, Map.of());
    assertThat(syn(r, "203.0.113.9", "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(syn(r, "192.0.2.9", "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.BLOCKED);
  }

  @Test
  void whatTheSnapshotCannotTellIsPossiblyNamingTheRule() throws IOException {
    // A TOS selector: the sender picks the TOS.
    String tos = """
        {"priority":0,"src":"all","table":"local"},
        {"priority":10,"src":"all","tos":"0x10","action":"blackhole"},
        {"priority":32766,"src":"all","table":"main"}""";
    Trace t = syn(host(FILTER, MAIN, tos, Map.of()), "203.0.113.9", "198.18.0.2", "eth0");
    assertThat(t.verdict()).isInstanceOf(Verdict.PossiblyReachable.class);
    assertThat(((Verdict.PossiblyReachable) t.verdict()).reasons()).anyMatch(s -> s.contains("10: from all tos 0x10 blackhole"));
    // A table the old route dump (main only) does not show.
    String mainOnly = MAIN.lines().filter(l -> !l.contains("\"table\"")).reduce((a, b) -> a + "\n" + b).orElseThrow()
        .replaceAll(",\\s*$", "");
    Trace unseen = syn(host(FILTER, mainOnly, TAILSCALE_RULES, Map.of()), "203.0.113.9", "198.18.0.2", "eth0");
    assertThat(unseen.verdict()).isInstanceOf(Verdict.PossiblyReachable.class);
    assertThat(((Verdict.PossiblyReachable) unseen.verdict()).reasons()).anyMatch(s -> s.contains("table 52"));
    // A rule that cannot change the answer leaves it exact: an unknown table after main has found a route.
    String late = DEFAULT_RULES + ",{\"priority\":40000,\"src\":\"all\",\"table\":\"77\"}";
    assertThat(syn(host(FILTER, mainOnly, late, Map.of()), "203.0.113.9", "198.18.0.2", "eth0").verdict())
        .isEqualTo(Verdict.REACHABLE);
  }

  @Test
  void theDefaultRulesWrittenOutChangeNothing() throws IOException {
    Map<String, String> strict = new TreeMap<>(Map.of("sysctl.txt", "net.ipv4.conf.all.rp_filter = 1\n"));
    for (String[] c : new String[][] {{"203.0.113.9", "198.18.0.2", "eth0"}, {"203.0.113.9", "198.18.0.2", "eth1"},
        {"198.19.7.9", "198.19.7.1", "eth1"}, {"203.0.113.9", "198.51.100.1", "eth0"}}) {
      assertThat(syn(host(FILTER, MAIN, DEFAULT_RULES, strict), c[0], c[1], c[2]).verdict())
          .isEqualTo(syn(host(FILTER, MAIN, null, strict), c[0], c[1], c[2]).verdict());
    }
  }

  /**
   * "from CONTAINERS unreachable": the first packet's route back fails, which with rp_filter 0 is
   * no drop (fib_validate_source's last_resort), but the answer's own routing decision on docker0
   * (ip_route_input_slow, no_route) and the host socket's output route (ip_route_output_key) find
   * no route: the first packet is delivered and nothing comes back. Through main alone the answer
   * left by eth0.
   */
  @Test
  void anAnswerTheRulesCannotRouteIsLost() throws IOException {
    Map<String, String> loose = Map.of("sysctl.txt", "net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.eth0.rp_filter = 0\n"
        + "net.ipv4.conf.docker0.rp_filter = 0\nnet.ipv4.conf.all.forwarding = 1\n");
    String fromContainers = """
        {"priority":0,"src":"all","table":"local"},
        {"priority":100,"src":"198.18.0.0","srclen":24,"action":"unreachable"},
        {"priority":101,"src":"198.51.100.1","action":"unreachable"},
        {"priority":32766,"src":"all","table":"main"},
        {"priority":32767,"src":"all","table":"default"}""";
    Reachability r = host(FILTER, MAIN, fromContainers, loose);
    Trace container = syn(r, "203.0.113.9", "198.18.0.2", "eth0");
    assertThat(container.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(container.path().stream().map(TraceStep::describe))
        .anyMatch(s -> s.contains("answer") && s.contains("100: from 198.18.0.0/24 unreachable"));
    Trace socket = syn(r, "203.0.113.9", "198.51.100.1", "eth0");
    assertThat(socket.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(socket.path().stream().map(TraceStep::describe))
        .anyMatch(s -> s.contains("answer") && s.contains("101: from 198.51.100.1 unreachable"));
    // The same host with the default rules: both answers leave by eth0.
    Reachability plain = host(FILTER, MAIN, DEFAULT_RULES, loose);
    assertThat(syn(plain, "203.0.113.9", "198.18.0.2", "eth0").verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(syn(plain, "203.0.113.9", "198.51.100.1", "eth0").verdict()).isEqualTo(Verdict.REACHABLE);
  }
}
