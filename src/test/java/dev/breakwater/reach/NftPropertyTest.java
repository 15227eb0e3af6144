package dev.breakwater.reach;

import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerNetwork;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.host.Route;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.BaseChain;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Hook;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.NftFamily;
import dev.breakwater.netfilter.NftTable;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.Target;
import java.util.ArrayList;
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
 * The symbolic answer equals concrete evaluation on hosts with nft tables: Docker 29's
 * {@code ip docker-bridges} (or none), random user tables at random priorities on prerouting and
 * forward (source sets, negations, marks set and tested, jumps, early accepts, drops, a DNAT of
 * their own), and sometimes UFW's iptables FORWARD. Every source of a small universe gets from
 * {@link Reachability#exposures()} the verdict its own {@link Reachability#trace} gets.
 * {@code -Dbreakwater.seed=N} replays one case.
 */
class NftPropertyTest {
  private static final int CASES = 200;
  private static final List<String> UNIVERSE = List.of("198.51.100.0", "198.51.100.1", "198.51.100.2", "198.51.100.3",
      "198.51.100.4", "198.51.100.7", "198.51.100.8", "198.51.100.9", "198.51.100.12", "198.51.100.15",
      "198.51.100.200", "198.18.0.5", "198.18.1.9", "10.0.0.1", "172.17.0.9");
  private static final List<String> PREFIXES = List.of("198.51.100.0/24", "198.51.100.0/29", "198.51.100.8/29",
      "198.51.100.4/30", "198.51.100.9/32", "198.18.0.0/15", "0.0.0.0/0", "198.51.100.200/32", "10.0.0.0/8");

  @TestFactory
  Stream<DynamicTest> symbolicAnswerEqualsConcreteTraceOfEverySource() {
    String replay = System.getProperty("breakwater.seed");
    LongStream seeds = replay != null ? LongStream.of(Long.parseLong(replay)) : LongStream.range(1, CASES + 1);
    return seeds.mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> check(new Generator(new Random(seed)))));
  }

  private static void check(Generator generator) {
    HostFacts facts = generator.host();
    Reachability r = Reachability.of(facts);
    for (PortReach e : r.exposures()) {
      PublishedPort port = e.port();
      for (String ingress : List.of("eth0", "eth1")) {
        List<SourceClass> classes = e.classes().stream().filter(c -> c.ingress().equals(ingress)).toList();
        for (String source : UNIVERSE) {
          List<SourceClass> hits = classes.stream()
              .filter(c -> c.sources().stream().anyMatch(a -> a.contains(ip(source)))).toList();
          assertThat(hits).as("one class holds %s\n%s", source, generator.log).hasSize(1);
          String symbolic = hits.get(0).verdict().label();
          String best = "blocked";
          for (String destination : List.of("198.51.100.1", "198.18.0.1")) {
            // The sender's source port and flags are its choice (a rule on the answer's destination
            // port tests the client's port), as in the symbolic answer.
            String label = r.traceChoosing(new Packet(ip(source), ip(destination), Transport.TCP, ExposureAnalysis.CLIENT_PORT,
                port.hostPort(), ingress), true, true).verdict().label();
            if (label.equals("reachable") || (label.equals("possibly-reachable") && best.equals("blocked"))) {
              best = label;
            }
          }
          assertThat(symbolic).as("%s on %s to %d\n%s", source, ingress, port.hostPort(), generator.log).isEqualTo(best);
        }
      }
    }
  }

  private static final class Generator {
    private final Random random;
    private final StringBuilder log = new StringBuilder();

    Generator(Random random) {
      this.random = random;
    }

    private <T> T pick(List<T> list) {
      return list.get(random.nextInt(list.size()));
    }

    private boolean chance(double p) {
      return random.nextDouble() < p;
    }

    HostFacts host() {
      List<NetworkInterface> interfaces = List.of(
          new NetworkInterface("lo", "loopback", true, List.of(ip("127.0.0.1/8")), ""),
          new NetworkInterface("eth0", "ether", true, List.of(ip("198.51.100.1/28")), ""),
          new NetworkInterface("eth1", "ether", true, List.of(ip("198.18.0.1/24")), ""),
          new NetworkInterface("docker0", "bridge", true, List.of(ip("172.17.0.1/16")), ""));
      List<Route> routes = List.of(
          new Route(IpFamily.V4, ip("0.0.0.0/0"), Optional.of(ip("198.51.100.14")), "eth0", "unicast"),
          new Route(IpFamily.V4, ip("198.51.100.0/28"), Optional.empty(), "eth0", "unicast"),
          new Route(IpFamily.V4, ip("198.18.0.0/24"), Optional.empty(), "eth1", "unicast"),
          new Route(IpFamily.V4, ip("172.17.0.0/16"), Optional.empty(), "docker0", "unicast"));
      List<Container> containers = new ArrayList<>();
      List<int[]> published = new ArrayList<>();
      for (int k = 0; k < 1 + random.nextInt(2); k++) {
        int hostPort = 8080 + k;
        int containerPort = chance(0.5) ? 80 : hostPort;
        published.add(new int[] {hostPort, containerPort, 2 + k});
        String address = "172.17.0." + (2 + k);
        containers.add(new Container("id" + k, "c" + k, "image", Map.of(), "bridge",
            List.of(new ContainerNetwork("bridge", Optional.of(ip(address)), Optional.empty(), Optional.of(ip("172.17.0.1")))),
            List.of(new PublishedPort(ip("0.0.0.0"), hostPort, containerPort, Transport.TCP, Optional.of(ip(address)))),
            List.of(), List.of()));
      }
      List<NftTable> tables = new ArrayList<>();
      tables.add(docker(published));
      for (int i = random.nextInt(3); i > 0; i--) {
        tables.add(userTable("user" + i, published));
      }
      String iptables = chance(0.4) ? ufw() : "";
      log.append(iptables);
      Ruleset v4 = IptablesSaveParser.parse(iptables, IpFamily.V4, "gen", Map.of()).withNftTables(tables);
      return new HostFacts("gen", interfaces, routes, containers, v4, Optional.empty(), Optional.empty(), Optional.empty(),
          List.of());
    }

    private String ufw() {
      StringBuilder out = new StringBuilder("*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
          + ":ufw-user-forward - [0:0]\n-A FORWARD -j ufw-user-forward\n");
      for (int i = random.nextInt(3); i > 0; i--) {
        out.append("-A ufw-user-forward -s ").append(pick(PREFIXES)).append(" -p tcp -m tcp --dport ")
            .append(pick(List.of(80, 8080, 8081))).append(chance(0.7) ? " -j ACCEPT" : " -j DROP").append('\n');
      }
      return out.append("COMMIT\n").toString();
    }

    private static Match tcp() {
      return new Match.Protocol(6, "tcp", false);
    }

    private static Match dport(int port) {
      return new Match.Ports(Match.PortField.DESTINATION, List.of(PortRange.of(port)), false);
    }

    private NftTable docker(List<int[]> published) {
      NftTableBuilder t = new NftTableBuilder(NftFamily.IP, "docker-bridges").logTo(log);
      t.base("raw-PREROUTING", Hook.PREROUTING, BaseChain.Type.FILTER, -300, Chain.Policy.ACCEPT);
      t.base("nat-PREROUTING", Hook.PREROUTING, BaseChain.Type.NAT, -100, Chain.Policy.ACCEPT);
      t.base("filter-FORWARD", Hook.FORWARD, BaseChain.Type.FILTER, 0, Chain.Policy.ACCEPT);
      t.chain("nat-prerouting-and-output");
      t.chain("filter-forward-in__docker0");
      t.rule("nat-PREROUTING", "generated", List.of(new Match.AddressTypeMatch(Match.Side.DESTINATION, Set.of(Match.AddressType.LOCAL),
          false, Match.LimitIface.NONE)), List.of(), new Target.Jump("nat-prerouting-and-output"));
      t.rule("filter-FORWARD", "generated", List.of(new Match.Interface(false, "docker0", false)), List.of(),
          new Target.Jump("filter-forward-in__docker0"));
      t.rule("filter-forward-in__docker0", "generated", List.of(new Match.ConnectionState(
          Set.of(Match.CtState.ESTABLISHED, Match.CtState.RELATED), false)), List.of(), new Target.Accept());
      for (int[] p : published) {
        String address = "172.17.0." + p[2];
        t.rule("raw-PREROUTING", "generated", List.of(new Match.Address(Match.Side.DESTINATION, ip(address), false),
            new Match.Interface(true, "docker0", true)), List.of(), new Target.Drop());
        t.rule("nat-prerouting-and-output", "generated", List.of(new Match.Interface(true, "docker0", true), tcp(), dport(p[0])),
            List.of(), new Target.Dnat(Optional.of(ip(address)), Optional.of(ip(address)), Optional.of(PortRange.of(p[1])),
                "to " + address + ":" + p[1]));
        if (chance(0.85)) {
          t.rule("filter-forward-in__docker0", "generated", List.of(new Match.Address(Match.Side.DESTINATION, ip(address), false),
              tcp(), dport(p[1])), List.of(), new Target.Accept());
        }
      }
      t.rule("filter-forward-in__docker0", "generated", List.of(), List.of(), chance(0.2) ? new Target.Accept() : new Target.Drop());
      return t.build();
    }

    private Match sourceTest() {
      if (chance(0.5)) {
        return new Match.Address(Match.Side.SOURCE, ip(pick(PREFIXES)), chance(0.3));
      }
      List<List<Match>> alternatives = new ArrayList<>();
      for (int i = 1 + random.nextInt(3); i > 0; i--) {
        alternatives.add(List.of(new Match.Address(Match.Side.SOURCE, ip(pick(PREFIXES)), false)));
      }
      return new Match.AnyOf(alternatives, chance(0.3));
    }

    private NftTable userTable(String name, List<int[]> published) {
      NftTableBuilder t = new NftTableBuilder(NftFamily.IP, name).logTo(log);
      Hook hook = chance(0.7) ? Hook.FORWARD : Hook.PREROUTING;
      int priority = pick(hook == Hook.FORWARD ? List.of(-10, -1, 0, 5, 20) : List.of(-300, -250, -150, -50, 10));
      t.base("main", hook, BaseChain.Type.FILTER, priority, chance(0.2) ? Chain.Policy.DROP : Chain.Policy.ACCEPT);
      t.chain("helper");
      if (chance(0.5)) {
        t.rule("main", "generated", List.of(new Match.ConnectionState(Set.of(Match.CtState.ESTABLISHED, Match.CtState.RELATED), false)),
            List.of(), new Target.Accept());
      }
      for (int i = 1 + random.nextInt(4); i > 0; i--) {
        List<Match> matches = new ArrayList<>();
        if (chance(0.6)) {
          matches.add(sourceTest());
        }
        if (chance(0.4)) {
          matches.add(new Match.Interface(true, pick(List.of("eth0", "eth1", "eth+")), chance(0.3)));
        }
        if (chance(0.4)) {
          int[] p = pick(published);
          matches.add(tcp());
          matches.add(hook == Hook.FORWARD && chance(0.5)
              ? new Match.OriginalPort(Match.Side.DESTINATION, PortRange.of(p[0]), false)
              : dport(chance(0.5) ? p[0] : p[1]));
        }
        if (chance(0.2)) {
          matches.add(new Match.Mark(Match.MarkKind.PACKET, 0x1, 0x1, chance(0.3)));
        }
        List<Target> effects = chance(0.2)
            ? List.of(new Target.SetMark(Match.MarkKind.PACKET, Match.MarkKind.PACKET, 0x1, 0x1, "meta mark set 0x1"))
            : List.of();
        Target target = switch (random.nextInt(6)) {
          case 0, 1 -> new Target.Drop();
          case 2 -> new Target.Accept();
          case 3 -> new Target.Jump("helper");
          case 4 -> new Target.Return();
          default -> new Target.Continue("", "");
        };
        t.rule("main", "generated", matches, effects, target);
      }
      for (int i = random.nextInt(3); i > 0; i--) {
        List<Match> matches = chance(0.7) ? List.of(sourceTest()) : List.of();
        t.rule("helper", "generated", matches, List.of(), pick(List.of(new Target.Drop(), new Target.Accept(), new Target.Return())));
      }
      return t.build();
    }
  }
}
