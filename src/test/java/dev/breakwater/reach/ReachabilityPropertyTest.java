package dev.breakwater.reach;

import dev.breakwater.net.AddressSets;
import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerNetwork;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.host.Route;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.netfilter.Match.HeaderKind;
import dev.breakwater.netfilter.Ruleset;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The symbolic answer equals concrete evaluation: for seeded random hosts with Docker- and
 * UFW-shaped rulesets (DNAT to containers, DOCKER-USER allow and deny by -s, ctorigsrc, ipsets
 * and ctorigdstport, negations, interface wildcards, jumps, gotos, RETURNs, policies, raw and
 * mangle drops (POSTROUTING's included), port-range DNAT, MASQUERADE, the odd unmodelled
 * match), every source of a small address universe gets from
 * {@link Reachability#exposures()} the verdict a {@link Reachability#trace} of that very source
 * gets, per published port, per ingress interface, in both families.
 * {@code -Dbreakwater.seed=N} replays one case.
 */
class ReachabilityPropertyTest {
  private static final int CASES = 220;

  private static final List<String> UNIVERSE_V4 = universe("198.51.100.", 0, 16,
      List.of("198.51.100.200", "198.18.0.5", "198.18.1.9", "100.64.0.7", "172.17.0.9", "127.0.0.5", "10.0.0.1"));
  private static final List<String> UNIVERSE_V6 = universe("2001:db8:5::", 0, 16,
      List.of("2001:db8:6::5", "2001:db8:ffff::1", "fd00:dead:beef::9", "2001:db8:5::100", "fe80::1"));

  private static final List<String> PREFIXES_V4 = List.of("198.51.100.0/24", "198.51.100.0/28", "198.51.100.0/29",
      "198.51.100.8/29", "198.51.100.4/30", "198.51.100.6/31", "198.51.100.3/32", "198.51.100.12/30",
      "198.18.0.0/15", "198.18.0.0/24", "100.64.0.0/10", "0.0.0.0/0", "172.17.0.0/16", "198.51.100.200/32");
  private static final List<String> PREFIXES_V6 = List.of("2001:db8:5::/124", "2001:db8:5::/125", "2001:db8:5::8/125",
      "2001:db8:5::4/126", "2001:db8:5::6/127", "2001:db8:5::3/128", "2001:db8::/32", "2001:db8:6::/48", "::/0",
      "fd00:dead:beef::/64", "2001:db8:5::100/128");

  private static final List<String> INGRESS_PATTERNS = List.of("eth0", "eth1", "eth+", "docker0", "e+");
  private static final int[] HOST_PORTS = {3306, 8080, 5432, 6379};

  private static List<String> universe(String prefix, int from, int count, List<String> extra) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      out.add(prefix + (prefix.contains(":") ? Integer.toHexString(i) : Integer.toString(i)));
    }
    out.addAll(extra);
    return List.copyOf(out);
  }

  @TestFactory
  Stream<DynamicTest> symbolicAnswerEqualsConcreteTraceOfEverySource() {
    String replay = System.getProperty("breakwater.seed");
    LongStream seeds = replay != null ? LongStream.of(Long.parseLong(replay)) : LongStream.range(1, CASES + 1);
    return seeds.mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> check(new Generator(new Random(seed)).host())));
  }

  /** A generated host and the rules text it was parsed from, for failure messages. */
  private record Case(HostFacts facts, String text) {}

  /** Rules on IPv6 extension headers the generator may put first in DOCKER-USER. */
  private static final List<String> EXTENSION_HEADER_RULES = List.of(
      "-m rt --rt-type 0 -j RETURN", "-m rt ! --rt-type 0 -j DROP", "-m hbh --hbh-len 8 -j RETURN",
      "-m ipv6header --header hop,route --soft -j RETURN", "-m ipv6header ! --header prot -j DROP",
      "-m ipv6header --header frag --soft -j ACCEPT", "-m dst -j DROP");

  /** Every header state the generator's rules can tell apart, tried one by one (not by ChoiceSearch). */
  private static List<ExtensionHeaders> everyHeaderState(String text) {
    if (EXTENSION_HEADER_RULES.stream().noneMatch(text::contains)) {
      return List.of(ExtensionHeaders.NONE);
    }
    List<HeaderKind> kinds = List.copyOf(ExtensionHeaders.CHOOSABLE);
    String rh0 = ExtensionHeaders.key(HeaderKind.ROUTING, "--rt-type 0");
    String hbh8 = ExtensionHeaders.key(HeaderKind.HOP_BY_HOP, "--hbh-len 8");
    List<ExtensionHeaders> out = new ArrayList<>();
    for (int subset = 0; subset < 1 << kinds.size(); subset++) {
      Set<HeaderKind> present = new HashSet<>();
      for (int i = 0; i < kinds.size(); i++) {
        if ((subset & (1 << i)) != 0) {
          present.add(kinds.get(i));
        }
      }
      for (int fields = 0; fields < 4; fields++) {
        Set<String> satisfied = new HashSet<>();
        if ((fields & 1) != 0) {
          if (!present.contains(HeaderKind.ROUTING)) {
            continue;
          }
          satisfied.add(rh0);
        }
        if ((fields & 2) != 0) {
          if (!present.contains(HeaderKind.HOP_BY_HOP)) {
            continue;
          }
          satisfied.add(hbh8);
        }
        out.add(new ExtensionHeaders(present, satisfied));
      }
    }
    return out;
  }

  /** Rules on IPv4 options the generator may put first in DOCKER-USER (both syntaxes). */
  private static final List<String> IPV4_OPTION_RULES = List.of(
      "-m ipv4options --flags 7 -j RETURN", "-m ipv4options --flags !7,4 -j DROP",
      "-m ipv4options --flags record-route,timestamp,router-alert --any -j ACCEPT", "-m ipv4options ! --any-opt -j DROP",
      "-m ipv4options --any-opt -j RETURN", "-m ipv4options --ssrr -j RETURN", "-m ipv4options --no-srr -j DROP",
      "-m ipv4options --rr ! --ts -j RETURN");

  /** Every set of the option numbers those rules name, and two they do not (1, 9), tried one by one. */
  private static List<ExtensionHeaders> everyOptionState(String text) {
    if (IPV4_OPTION_RULES.stream().noneMatch(text::contains)) {
      return List.of(ExtensionHeaders.NONE);
    }
    int[] bits = {1, 3, 4, 7, 9, 20};
    List<ExtensionHeaders> out = new ArrayList<>();
    for (int subset = 0; subset < 1 << bits.length; subset++) {
      int options = 0;
      for (int i = 0; i < bits.length; i++) {
        if ((subset & (1 << i)) != 0) {
          options |= 1 << bits[i];
        }
      }
      out.add(ExtensionHeaders.ipv4(options));
    }
    return out;
  }

  private static void check(Case generated) {
    HostFacts facts = generated.facts();
    Reachability r = Reachability.of(facts);
    List<PortReach> exposures = r.exposures();
    assertThat(exposures).hasSize(facts.containers().stream().mapToInt(c -> c.ports().size()).sum());
    assertThat(r.externalInterfaces()).containsExactly("eth0", "eth1");
    for (PortReach e : exposures) {
      PublishedPort port = e.port();
      IpFamily family = IpFamily.of(port.hostIp());
      String what = e.container().name() + " " + port.hostIp() + ":" + port.hostPort() + "\n" + dump(facts)
          + generated.text();
      for (String ingress : r.externalInterfaces()) {
        List<SourceClass> classes = e.classes().stream().filter(c -> c.ingress().equals(ingress)).toList();
        assertPartition(classes, family, what);
        for (String source : family == IpFamily.V4 ? UNIVERSE_V4 : UNIVERSE_V6) {
          String symbolic = classOf(classes, ip(source)).verdict().label();
          if (HostNetwork.isLoopback(port.hostIp())) {
            // Only a neighbour on the ingress link can send to the loopback address (Docker before
            // 28 DNATs it); anyone else's packet is never routed to the host with that destination.
            boolean onLink = new HostNetwork(facts).linkPrefix(ingress, family)
                .map(p -> p.toPrefixBlock().contains(ip(source))).orElse(false);
            String concrete = onLink ? concrete(r, facts, generated.text(), port, family, ip(source), ingress) : "blocked";
            assertThat(symbolic).as("source %s on %s for %s", source, ingress, what).isEqualTo(concrete);
            continue;
          }
          String concrete = concrete(r, facts, generated.text(), port, family, ip(source), ingress);
          assertThat(symbolic).as("source %s on %s for %s", source, ingress, what).isEqualTo(concrete);
        }
      }
      List<IPAddress> reachable = e.reachableFrom();
      assertThat(AddressSets.union(reachable)).as("minimal CIDRs").isEqualTo(reachable);
      assertThat(e.exact()).isEqualTo(e.classes().stream().noneMatch(c -> c.verdict() instanceof Verdict.PossiblyReachable));
    }
  }

  @TestFactory
  Stream<DynamicTest> theChainIndexChangesNoAnswer() {
    String replay = System.getProperty("breakwater.seed");
    LongStream seeds = replay != null ? LongStream.of(Long.parseLong(replay)) : LongStream.range(1, CASES + 1);
    return seeds.mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed,
        () -> sameAnswers(new Generator(new Random(seed)).host())));
  }

  /** Indexed and unindexed engines agree on every exposure and on the trace of every source. */
  private static void sameAnswers(Case generated) {
    HostFacts facts = generated.facts();
    Reachability indexed = Reachability.of(facts);
    Reachability reference = Reachability.unindexed(facts);
    assertThat(indexed.exposures()).as(generated.text()).isEqualTo(reference.exposures());
    for (PublishedPort port : facts.containers().stream().flatMap(c -> c.ports().stream()).toList()) {
      IpFamily family = IpFamily.of(port.hostIp());
      List<IPAddress> destinations = port.boundToAll()
          ? facts.interfaces().stream().flatMap(n -> n.addresses().stream())
              .filter(a -> a.isIPv4() == (family == IpFamily.V4)).map(IPAddress::withoutPrefixLength).toList()
          : List.of(port.hostIp().withoutPrefixLength());
      for (IPAddress destination : destinations) {
        for (String source : family == IpFamily.V4 ? UNIVERSE_V4 : UNIVERSE_V6) {
          for (String ingress : List.of("eth0", "eth1")) {
            Packet p = new Packet(ip(source), destination, port.protocol(), 50000, port.hostPort(), ingress);
            Trace a = indexed.trace(p);
            Trace b = reference.trace(p);
            assertThat(a.verdict()).as("%s\n%s", p, generated.text()).isEqualTo(b.verdict());
            assertThat(a.decidedBy()).as("%s", p).isEqualTo(b.decidedBy());
            assertThat(a.path()).as("%s", p).isEqualTo(b.path());
            assertThat(a.hints()).as("%s", p).isEqualTo(b.hints());
          }
        }
      }
    }
  }

  /** The classes of one ingress and family cover the whole address space, each address once. */
  private static void assertPartition(List<SourceClass> classes, IpFamily family, String what) {
    BigInteger total = BigInteger.ZERO;
    List<IPAddress> all = new ArrayList<>();
    for (SourceClass c : classes) {
      assertThat(c.family()).isEqualTo(family);
      for (IPAddress a : c.sources()) {
        total = total.add(a.getCount());
        all.add(a);
      }
    }
    assertThat(total).as("sizes add up to the space: %s", what)
        .isEqualTo(BigInteger.ONE.shiftLeft(family == IpFamily.V4 ? 32 : 128));
    assertThat(AddressSets.union(all)).as("no gaps: %s", what)
        .containsExactly(ip(family == IpFamily.V4 ? "0.0.0.0/0" : "::/0"));
  }

  private static SourceClass classOf(List<SourceClass> classes, IPAddress source) {
    List<SourceClass> hits = classes.stream()
        .filter(c -> c.sources().stream().anyMatch(a -> a.contains(source)))
        .toList();
    assertThat(hits).as("exactly one class holds %s", source).hasSize(1);
    return hits.get(0);
  }

  /**
   * The verdict of real packets from {@code source}: to each address the port is published on
   * (for a wildcard binding, every non-loopback host address of the family), the best one.
   */
  private static String concrete(Reachability r, HostFacts facts, String text, PublishedPort port, IpFamily family,
      IPAddress source, String ingress) {
    List<IPAddress> destinations = new ArrayList<>();
    if (port.boundToAll()) {
      for (NetworkInterface nic : facts.interfaces()) {
        for (IPAddress a : nic.addresses()) {
          if (a.isIPv4() == (family == IpFamily.V4) && !nic.isLoopback()) {
            destinations.add(a.withoutPrefixLength());
          }
        }
      }
    } else {
      destinations.add(port.hostIp().withoutPrefixLength());
    }
    String best = "blocked";
    for (IPAddress destination : destinations) {
      for (ExtensionHeaders headers : family == IpFamily.V6 ? everyHeaderState(text) : everyOptionState(text)) {
        // The source port is the sender's choice: a rule on the answer's destination port tests it.
        Trace t = r.traceChoosing(new Packet(source, destination, port.protocol(), ExposureAnalysis.CLIENT_PORT,
            port.hostPort(), ingress, TcpFlagBits.SYN, headers), true, false);
        String label = t.verdict().label();
        if (label.equals("reachable") || (label.equals("possibly-reachable") && best.equals("blocked"))) {
          best = label;
        }
      }
    }
    return best;
  }

  private static String dump(HostFacts facts) {
    StringBuilder out = new StringBuilder();
    facts.containers().forEach(c -> out.append("container ").append(c.name()).append(' ').append(c.ports()).append('\n'));
    return out.toString();
  }

  /** One random host: interfaces and routes fixed, containers, ports and rules drawn from the seed. */
  private static final class Generator {
    private final Random random;

    Generator(Random random) {
      this.random = random;
    }

    private <T> T pick(List<T> list) {
      return list.get(random.nextInt(list.size()));
    }

    private boolean chance(double p) {
      return random.nextDouble() < p;
    }

    Case host() {
      List<NetworkInterface> interfaces = List.of(
          new NetworkInterface("lo", "loopback", true, List.of(ip("127.0.0.1/8"), ip("::1/128")), ""),
          new NetworkInterface("eth0", "ether", true, List.of(ip("198.51.100.1/28"), ip("2001:db8:5::1/124")), ""),
          new NetworkInterface("eth1", "ether", true, List.of(ip("198.18.0.1/24"), ip("2001:db8:6::1/64")), ""),
          new NetworkInterface("docker0", "bridge", true, List.of(ip("172.17.0.1/16"), ip("fd00:dead:beef::1/64")), ""),
          new NetworkInterface("veth0a1b2c", "veth", true, List.of(), "docker0"));
      List<Route> routes = List.of(
          new Route(IpFamily.V4, ip("0.0.0.0/0"), Optional.of(ip("198.51.100.14")), "eth0", "unicast"),
          new Route(IpFamily.V4, ip("198.51.100.0/28"), Optional.empty(), "eth0", "unicast"),
          new Route(IpFamily.V4, ip("198.18.0.0/24"), Optional.empty(), "eth1", "unicast"),
          new Route(IpFamily.V4, ip("172.17.0.0/16"), Optional.empty(), "docker0", "unicast"),
          new Route(IpFamily.V6, ip("::/0"), Optional.of(ip("2001:db8:5::e")), "eth0", "unicast"),
          new Route(IpFamily.V6, ip("2001:db8:5::/124"), Optional.empty(), "eth0", "unicast"),
          new Route(IpFamily.V6, ip("2001:db8:6::/64"), Optional.empty(), "eth1", "unicast"),
          new Route(IpFamily.V6, ip("fd00:dead:beef::/64"), Optional.empty(), "docker0", "unicast"));

      List<Container> containers = new ArrayList<>();
      List<Integer> hostPorts = new ArrayList<>(List.of(3306, 8080, 5432, 6379));
      java.util.Collections.shuffle(hostPorts, random);
      int count = 1 + random.nextInt(3);
      for (int k = 0; k < count; k++) {
        String v4 = "172.17.0." + (2 + k);
        Optional<IPAddress> v6 = chance(0.6) ? Optional.of(ip("fd00:dead:beef::" + (2 + k))) : Optional.empty();
        int hostPort = hostPorts.get(k);
        int containerPort = chance(0.3) ? 80 : hostPort;
        List<PublishedPort> ports = new ArrayList<>();
        String hostIp = pick(List.of("0.0.0.0", "0.0.0.0", "0.0.0.0", "198.51.100.1", "198.18.0.1", "127.0.0.1"));
        ports.add(new PublishedPort(ip(hostIp), hostPort, containerPort, Transport.TCP, Optional.of(ip(v4))));
        if (chance(0.6)) {
          String hostIp6 = pick(List.of("::", "::", "2001:db8:5::1"));
          ports.add(new PublishedPort(ip(hostIp6), hostPort, containerPort, Transport.TCP, Optional.of(v6.orElse(ip(v4)))));
        }
        containers.add(new Container("id" + k, "c" + k, "image", Map.of(), "bridge",
            List.of(new ContainerNetwork("bridge", Optional.of(ip(v4)), v6, Optional.of(ip("172.17.0.1")))),
            ports, List.of(), List.of()));
      }
      Map<String, List<IPAddress>> ipsets = new LinkedHashMap<>();
      ipsets.put("trusted4", List.of(ip(pick(PREFIXES_V4)), ip(pick(PREFIXES_V4))));
      ipsets.put("trusted6", List.of(ip(pick(PREFIXES_V6)), ip(pick(PREFIXES_V6))));
      String v4Text = rules(IpFamily.V4, containers);
      Optional<String> v6Text = chance(0.85) ? Optional.of(rules(IpFamily.V6, containers)) : Optional.empty();
      Ruleset v4 = IptablesSaveParser.parse(v4Text, IpFamily.V4, "gen-v4", ipsets);
      Optional<Ruleset> v6 = v6Text.map(text -> IptablesSaveParser.parse(text, IpFamily.V6, "gen-v6", ipsets));
      HostFacts facts = new HostFacts("gen", interfaces, routes, containers, v4, v6, Optional.empty(), Optional.empty(),
          List.of());
      return new Case(facts, v4Text + v6Text.orElse("(no ip6tables dump)\n") + "ipsets " + ipsets);
    }

    private String rules(IpFamily family, List<Container> containers) {
      boolean v4 = family == IpFamily.V4;
      List<String> prefixes = v4 ? PREFIXES_V4 : PREFIXES_V6;
      StringBuilder raw = new StringBuilder("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
      StringBuilder mangle = new StringBuilder("*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
          + ":FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
      StringBuilder nat = new StringBuilder("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
          + ":POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n");
      nat.append("-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n");
      nat.append("-A DOCKER -i docker0 -j RETURN\n");
      StringBuilder docker = new StringBuilder();
      boolean rawGuard = chance(0.3);
      for (Container c : containers) {
        ContainerNetwork n = c.networks().get(0);
        Optional<IPAddress> address = v4 ? n.ipv4() : n.ipv6();
        if (address.isEmpty()) {
          continue;
        }
        String a = address.get().toCanonicalString();
        if (rawGuard) {
          raw.append("-A PREROUTING -d ").append(a).append(v4 ? "/32" : "/128").append(" ! -i docker0 -j DROP\n");
        }
        for (PublishedPort p : c.ports()) {
          if (p.hostIp().isIPv4() != v4 || chance(0.1)) {
            continue; // another family, or the odd port Docker left to docker-proxy
          }
          String bind = p.boundToAll() ? "" : "-d " + p.hostIp().toCanonicalString() + (v4 ? "/32 " : "/128 ");
          String toPorts = String.valueOf(p.containerPort());
          String dport = String.valueOf(p.hostPort());
          if (chance(0.25)) {
            // A port range (-p 8000-9000:8000-9000 style): the kernel keeps a port inside the
            // target range and maps one outside it to the range's first port.
            dport = (p.hostPort() - random.nextInt(3)) + ":" + (p.hostPort() + random.nextInt(3));
            toPorts = pick(List.of(p.containerPort() + "-" + (p.containerPort() + 10),
                (p.hostPort() - 1) + "-" + (p.hostPort() + 1), (p.hostPort() + 1) + "-" + (p.hostPort() + 5)));
          }
          String to = v4 ? a + ":" + toPorts : "[" + a + "]:" + toPorts;
          nat.append("-A DOCKER ").append(bind).append("! -i docker0 -p tcp -m tcp --dport ").append(dport)
              .append(" -j DNAT --to-destination ").append(to).append('\n');
          docker.append("-A DOCKER -d ").append(a).append(v4 ? "/32" : "/128")
              .append(" ! -i docker0 -o docker0 -p tcp -m tcp --dport ").append(p.containerPort()).append(" -j ACCEPT\n");
        }
      }
      if (chance(0.2)) {
        raw.append("-A PREROUTING ").append(negate()).append("-s ").append(pick(prefixes)).append(" -j DROP\n");
      }
      if (chance(0.2)) {
        mangle.append("-A PREROUTING -i ").append(pick(INGRESS_PATTERNS)).append(" -s ").append(pick(prefixes)).append(" -j DROP\n");
      }
      if (chance(0.1)) {
        mangle.append("-A FORWARD -s ").append(pick(prefixes)).append(" -j MARK --set-xmark 0x1/0xffffffff\n");
      }
      // A forwarded packet still meets POSTROUTING after FORWARD: a mangle drop there drops it,
      // SNAT/MASQUERADE only rewrite the source.
      for (int i = chance(0.35) ? 1 + random.nextInt(2) : 0; i > 0; i--) {
        mangle.append("-A POSTROUTING ").append(switch (random.nextInt(4)) {
          case 0 -> "-o docker0 -p tcp -m tcp --dport " + pick(List.of("80", "3306", "8080", "5432", "6379", "8081")) + " -j DROP";
          case 1 -> negate() + "-s " + pick(prefixes) + " -o docker0 -j DROP";
          case 2 -> "! -o docker0 -j DROP";
          default -> "-o docker0 -m conntrack --ctstate DNAT -p tcp -m tcp ! --dport 80 -j DROP";
        }).append('\n');
      }
      if (chance(0.3)) {
        nat.append("-A POSTROUTING -s ").append(pick(prefixes)).append(" ! -o docker0 -j MASQUERADE\n");
      }
      raw.append("COMMIT\n");
      mangle.append("COMMIT\n");
      nat.append("COMMIT\n");

      StringBuilder filter = new StringBuilder("*filter\n")
          .append(":INPUT ").append(chance(0.7) ? "DROP" : "ACCEPT").append(" [0:0]\n")
          .append(":FORWARD ").append(chance(0.8) ? "DROP" : "ACCEPT").append(" [0:0]\n")
          .append(":OUTPUT ACCEPT [0:0]\n:BW-ALLOW - [0:0]\n:BW-GOTO - [0:0]\n:DOCKER - [0:0]\n:DOCKER-USER - [0:0]\n")
          .append(":ufw-before-input - [0:0]\n:ufw-user-input - [0:0]\n:ufw-before-forward - [0:0]\n:ufw-user-forward - [0:0]\n");
      filter.append("-A INPUT -j ufw-before-input\n-A INPUT -j ufw-user-input\n");
      filter.append("-A FORWARD -j DOCKER-USER\n");
      filter.append("-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
      filter.append("-A FORWARD -o docker0 -j DOCKER\n");
      filter.append("-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\n");
      filter.append("-A FORWARD -j ufw-before-forward\n");
      filter.append(docker);
      if (chance(0.3)) {
        filter.append("-A DOCKER ! -i docker0 -o docker0 -j DROP\n");
      }
      if (family == IpFamily.V6 && chance(0.3)) {
        // The odd rule on extension headers that lets some of the sender's choices through.
        filter.append("-A DOCKER-USER ").append(pick(EXTENSION_HEADER_RULES)).append('\n');
      }
      if (family == IpFamily.V4 && chance(0.3)) {
        // The same for IPv4 options.
        filter.append("-A DOCKER-USER ").append(pick(IPV4_OPTION_RULES)).append('\n');
      }
      for (int i = random.nextInt(7); i > 0; i--) {
        filter.append("-A DOCKER-USER ").append(userRule(family, prefixes, true)).append('\n');
      }
      if (chance(0.7)) {
        filter.append("-A DOCKER-USER -j RETURN\n");
      }
      for (int i = random.nextInt(4); i > 0; i--) {
        filter.append("-A BW-ALLOW ").append(userRule(family, prefixes, false)).append('\n');
      }
      if (chance(0.5)) {
        filter.append("-A BW-ALLOW -j RETURN\n");
      }
      for (int i = random.nextInt(3); i > 0; i--) {
        filter.append("-A BW-GOTO ").append(userRule(family, prefixes, false)).append('\n');
      }
      if (family == IpFamily.V6) {
        // ufw6's before6.rules on every UFW host: drop RH0 (a sender's choice, never "possibly").
        filter.append("-A ufw-before-input -m rt --rt-type 0 -j DROP\n");
        filter.append("-A ufw-before-forward -m rt --rt-type 0 -j DROP\n");
      }
      filter.append("-A ufw-before-input -i lo -j ACCEPT\n");
      filter.append("-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
      for (int i = random.nextInt(5); i > 0; i--) {
        filter.append("-A ufw-user-input ").append(chance(0.5) ? negate() + "-s " + pick(prefixes) + " " : "")
            .append("-p tcp -m tcp --dport ").append(HOST_PORTS[random.nextInt(HOST_PORTS.length)])
            .append(chance(0.6) ? " -j ACCEPT" : " -j DROP").append('\n');
      }
      filter.append("-A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
      filter.append("-A ufw-before-forward -j ufw-user-forward\n");
      for (int i = random.nextInt(3); i > 0; i--) {
        filter.append("-A ufw-user-forward -s ").append(pick(prefixes)).append(" -p tcp -m tcp --dport ")
            .append(chance(0.5) ? 80 : HOST_PORTS[random.nextInt(HOST_PORTS.length)])
            .append(chance(0.5) ? " -j ACCEPT" : " -j DROP").append('\n');
      }
      filter.append("COMMIT\n");
      return raw.toString() + mangle + nat + filter;
    }

    private String negate() {
      return chance(0.25) ? "! " : "";
    }

    private String verdictTarget(boolean mayReturn) {
      List<String> targets = mayReturn
          ? List.of("RETURN", "RETURN", "DROP", "ACCEPT", "REJECT --reject-with icmp-port-unreachable")
          : List.of("RETURN", "DROP", "ACCEPT");
      return pick(targets);
    }

    /** One DOCKER-USER-shaped rule; {@code topLevel} rules may jump or go to the helper chains. */
    private String userRule(IpFamily family, List<String> prefixes, boolean topLevel) {
      String set = family == IpFamily.V4 ? "trusted4" : "trusted6";
      int kind = random.nextInt(topLevel ? 15 : 9);
      return switch (kind) {
        case 0 -> "-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN";
        case 1, 2 -> negate() + "-s " + pick(prefixes) + " -j " + verdictTarget(true);
        case 3 -> negate() + "-i " + pick(INGRESS_PATTERNS) + " -j DROP";
        case 4 -> "-p tcp -m conntrack --ctorigdstport " + HOST_PORTS[random.nextInt(HOST_PORTS.length)]
            + " --ctdir ORIGINAL -j " + verdictTarget(true);
        case 5 -> "-p tcp -m tcp --dport " + (chance(0.5) ? 80 : HOST_PORTS[random.nextInt(HOST_PORTS.length)]) + " -j DROP";
        case 6 -> "-m conntrack " + negate() + "--ctorigsrc " + pick(prefixes) + " -j " + verdictTarget(true);
        case 7 -> "-m set " + negate() + "--match-set " + set + " src -j " + verdictTarget(true);
        case 8 -> "-i " + pick(INGRESS_PATTERNS) + " -s " + pick(prefixes) + " -p tcp -m multiport --dports 80,3306,8080 -j DROP";
        case 9 -> negate() + "-s " + pick(prefixes) + " -j BW-ALLOW";
        case 10 -> "-i " + pick(INGRESS_PATTERNS) + " -g BW-GOTO";
        case 11 -> "-m addrtype --src-type LOCAL -j DROP";
        // Port ranges too wide for the index to expand: it tests them per lookup.
        case 12 -> "-p tcp -m conntrack --ctorigdstport 3000:9000 --ctdir ORIGINAL -j " + verdictTarget(true);
        case 13 -> negate() + "-s " + pick(prefixes) + " -p tcp -m multiport --dports 1:1024,5000:6000 -j DROP";
        default -> chance(0.5)
            ? "-s " + pick(prefixes) + " -m recent --rcheck --seconds 60 --name bw -j DROP"
            : "-m limit --limit 10/min -j RETURN";
      };
    }
  }
}
