package dev.breakwater.reach;

import dev.breakwater.host.Container;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.Target;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.UnseenTable;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/**
 * Who can reach what on one host: concrete traces of single packets and, per published port, the
 * exact set of sources that reach it. Pure: everything comes from {@link HostFacts}. Not
 * thread-safe: it indexes chains and caches answers as it goes; use one per thread.
 *
 * <pre>{@code
 * Reachability r = Reachability.of(facts);
 * for (PortReach e : r.exposures()) {
 *   System.out.println(e.container().name() + ":" + e.port().hostPort() + " <- " + e.reachableFrom());
 * }
 * Trace t = r.trace(new Packet(attacker, hostAddress, Transport.TCP, 50000, 3306, "eth0"));
 * }</pre>
 */
public final class Reachability {
  static final String NO_IP6TABLES_DUMP = "no ip6tables dump";

  private final HostFacts facts;
  private final HostNetwork net;
  private final RulesetIndex ipv4;
  private final Optional<RulesetIndex> ipv6;
  private final RulesetIndex emptyIpv6;
  /** Notes about firewall tables iptables-save does not show: they may still drop a packet. */
  private final List<String> unanalysedTables;

  private Reachability(HostFacts facts, boolean indexed) {
    this.facts = facts;
    this.net = new HostNetwork(facts);
    this.ipv4 = new RulesetIndex(withPublishedPorts(facts.ipv4(), facts), indexed);
    this.ipv6 = facts.ipv6().map(v6 -> new RulesetIndex(v6, indexed));
    this.emptyIpv6 = new RulesetIndex(Ruleset.empty(IpFamily.V6, "(no ip6tables dump)"));
    // nft tables are walked (Ruleset.nftTables); their unknown parts are rules the walk weighs both
    // ways. Only a bridge family table is not walked: it can drop what reaches a container, and
    // cannot accept what the IP hooks dropped (SnapshotDirectory words the note).
    this.unanalysedTables = facts.notes().stream().filter(n -> n.contains(dev.breakwater.netfilter.NftTable.BRIDGED))
        .toList();
  }

  /**
   * Docker publishes a port with a nat DNAT and filter ACCEPT rules (libnetwork, unless the daemon
   * runs with {@code "iptables": false}): published IPv4 ports and an IPv4 dump without one of the
   * two tables mean the dump was cut, not that the rules are absent. IPv6 is left to the parser's
   * own inference from Docker's chains: with {@code ip6tables} off, Docker publishes IPv6 ports
   * through docker-proxy, with no nat rule at all.
   */
  private static Ruleset withPublishedPorts(Ruleset ruleset, HostFacts facts) {
    if (!facts.daemon().map(d -> d.iptables()).orElse(true)) {
      return ruleset;
    }
    long published = facts.containers().stream()
        .filter(c -> !c.hostNetwork())
        .flatMap(c -> c.ports().stream())
        .filter(p -> p.hostIp().isIPv4())
        .count();
    if (published == 0) {
      return ruleset;
    }
    Ruleset out = ruleset;
    for (TableName table : List.of(TableName.NAT, TableName.FILTER)) {
      if (!out.tables().containsKey(table) && out.unseen(table).isEmpty() && !nftPlays(ruleset, table)) {
        out = out.withUnseen(new UnseenTable(table, false, published + " published IPv4 port"
            + (published == 1 ? "" : "s") + " in docker-inspect, each with Docker's " + table.label()
            + " rules, but " + ruleset.source() + " has no " + table.label() + " table"));
      }
    }
    return out;
  }

  /**
   * Whether an nft table does the job of Docker's iptables {@code table}: a nat chain on
   * prerouting, a filter chain on forward (Docker 29's nftables backend writes no iptables rules).
   */
  private static boolean nftPlays(Ruleset ruleset, TableName table) {
    dev.breakwater.netfilter.Hook hook = table == TableName.NAT ? dev.breakwater.netfilter.Hook.PREROUTING
        : dev.breakwater.netfilter.Hook.FORWARD;
    dev.breakwater.netfilter.BaseChain.Type type = table == TableName.NAT ? dev.breakwater.netfilter.BaseChain.Type.NAT
        : dev.breakwater.netfilter.BaseChain.Type.FILTER;
    return ruleset.nftTables().stream().flatMap(t -> t.baseChains().stream())
        .anyMatch(b -> b.hook() == hook && b.type() == type);
  }

  public static Reachability of(HostFacts facts) {
    return new Reachability(facts, true);
  }

  /** Without the chain index: every rule is looked at. The reference tests hold the index to. */
  static Reachability unindexed(HostFacts facts) {
    return new Reachability(facts, false);
  }

  /** One packet through the host: the path, the NAT, the verdict and hints for known mistakes. */
  public Trace trace(Packet packet) {
    return trace(packet, true);
  }

  /**
   * As {@link #trace(Packet)}, with the sender's choices explored: when {@code sourcePortFree}
   * the source port, when {@code flagsFree} the TCP flags of the first packet (a SYN with any of
   * PSH, URG, ECE, CWR). The trace is that of the best choice, the template's own when it is as
   * good as any; {@link Trace#needs()} says which choices get that verdict when not all do.
   */
  public Trace traceChoosing(Packet template, boolean sourcePortFree, boolean flagsFree) {
    PacketEvaluator evaluator = new PacketEvaluator(net, rulesFor(template.family()), false, true);
    ChoiceSearch.Explored explored = ChoiceSearch.explore(template, sourcePortFree, flagsFree, evaluator::evaluate);
    return trace(explored.best().packet(), true).needing(explored.needs());
  }

  /** As {@link #trace(Packet)}; without looking for hints when only the verdict is wanted. */
  Trace trace(Packet packet, boolean withHints) {
    RulesetIndex rules = rulesFor(packet.family());
    PacketEvaluator.Evaluation e = new PacketEvaluator(net, rules, true, true).evaluate(packet);
    WalkResult walk = e.first();
    Verdict verdict = e.verdict();
    String decision = walk.decision();
    if (!hasRules(packet.family()) && walk.route().map(r -> !(r instanceof RouteDecision.Dropped)).orElse(false)) {
      verdict = new Verdict.PossiblyReachable(List.of(), List.of(NO_IP6TABLES_DUMP));
      decision = new ReachNote.Ipv6FirewallUnknown().text();
    }
    if (verdict instanceof Verdict.PossiblyReachable p && !p.reasons().isEmpty()) {
      decision = decision + ", but " + String.join("; ", p.reasons());
    }
    if (verdict instanceof Verdict.Reachable && !unanalysedTables.isEmpty()) {
      verdict = new Verdict.PossiblyReachable(List.of(), unanalysedTables);
      decision = decision + ", but " + String.join("; ", unanalysedTables);
    }
    Optional<Delivery> delivery = verdict instanceof Verdict.Blocked ? Optional.empty() : walk.delivery();
    return new Trace(packet, verdict, delivery, walk.steps(), walk.nat(), walk.decidedBy(), decision,
        withHints ? MistakeHints.of(net, rules, packet, walk, facts.dockerUsesNftables()) : List.of());
  }

  private List<PortReach> exposures;

  /** Every published port of every container, with the sources that reach it (computed once). */
  public List<PortReach> exposures() {
    if (exposures == null) {
      exposures = analysed(Optional.empty());
    }
    return exposures;
  }

  /**
   * The answers of {@link #exposures()} for the ports of {@code family} only, in the same order,
   * without analysing the other family's ports. A port's answer reads its own family's ruleset
   * and the rest of the host (interfaces, routes, containers, the daemon, notes), never the other
   * family's ruleset: so two hosts that differ only in their IPv6 rules have the same IPv4
   * answers, which is what lets the proof of a commit order reuse them (plan.ReachEngine).
   */
  public List<PortReach> exposures(IpFamily family) {
    if (exposures != null) {
      return exposures.stream().filter(r -> IpFamily.of(r.port().hostIp()) == family).toList();
    }
    return analysed(Optional.of(family));
  }

  private List<PortReach> analysed(Optional<IpFamily> only) {
    ExposureAnalysis analysis = new ExposureAnalysis(this);
    java.util.function.Predicate<dev.breakwater.host.PublishedPort> wanted =
        port -> only.isEmpty() || IpFamily.of(port.hostIp()) == only.get();
    List<PortReach> out = new ArrayList<>();
    for (Container c : facts.containers()) {
      for (var port : c.ports()) {
        if (wanted.test(port)) {
          out.add(analysis.analyse(c, port));
        }
      }
    }
    for (Container mesh : SwarmIngressPorts.of(facts)) {
      if (wanted.test(mesh.ports().get(0))) {
        out.add(analysis.analyse(mesh, mesh.ports().get(0)));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Interfaces where outside traffic arrives: not loopback, not Docker's bridges and veths, not
   * members of a bridge. A Docker bridge is known by its name (docker0, br-*) or, whatever
   * {@code com.docker.network.bridge.name} called it, by holding a container network's gateway.
   */
  public List<String> externalInterfaces() {
    if (externalInterfaces == null) {
      Set<IPAddress> gateways = facts.containers().stream().flatMap(c -> c.networks().stream())
          .flatMap(n -> n.gateway().stream()).map(IPAddress::withoutPrefixLength)
          .collect(java.util.stream.Collectors.toSet());
      externalInterfaces = net.interfaces().stream()
          .filter(n -> !n.isLoopback() && n.master().isEmpty() && !isDockerInterface(n.name()))
          .filter(n -> n.addresses().stream().noneMatch(a -> gateways.contains(a.withoutPrefixLength())))
          .map(NetworkInterface::name)
          .toList();
    }
    return externalInterfaces;
  }

  /** Computed once: every exposure asks, and the gateways are every container's. */
  private List<String> externalInterfaces;

  static boolean isDockerInterface(String name) {
    return name.equals("docker0") || name.startsWith("br-") || name.startsWith("veth") || name.equals("docker_gwbridge");
  }

  /** The interface the route back to {@code source} uses: where its packets arrive. */
  public String ingressFor(IPAddress source) {
    return net.deviceTowards(source.withoutPrefixLength())
        .orElseGet(() -> externalInterfaces().stream().findFirst().orElse(""));
  }

  /** Facts about the host that limit or qualify the answers (host-networked containers...). */
  public List<ReachNote> notes() {
    List<ReachNote> notes = new ArrayList<>();
    for (Container c : facts.containers()) {
      if (c.hostNetwork()) {
        notes.add(new ReachNote.HostNetworkContainer(c.name()));
      }
    }
    for (var family : List.of(IpFamily.V4, IpFamily.V6)) {
      if (hasRules(family)) {
        rulesFor(family).ruleset().unseen().forEach(u -> notes.add(new ReachNote.UnseenRules(family, u)));
      }
    }
    for (var family : List.of(IpFamily.V4, IpFamily.V6)) {
      dockerUserNotJumped(family).ifPresent(notes::add);
    }
    if (facts.ipv6().isEmpty()) {
      notes.add(new ReachNote.NoIp6tablesDump());
    }
    return notes;
  }

  /** Reachable classes become "possibly" when a firewall table the engine cannot see exists. */
  List<SourceClass> qualifiedByUnanalysedTables(List<SourceClass> classes) {
    if (unanalysedTables.isEmpty()) {
      return classes;
    }
    return classes.stream()
        .map(c -> c.verdict() instanceof Verdict.Reachable
            ? new SourceClass(c.ingress(), c.family(), c.sources(),
                new Verdict.PossiblyReachable(List.of(), unanalysedTables), c.decidedBy(),
                c.because() + ", but " + String.join("; ", unanalysedTables), c.needs())
            : c)
        .toList();
  }

  /**
   * A DOCKER-USER chain that no chain reached from filter FORWARD jumps or goes to. Unless the
   * filter table is unseen in part: then the jump may be in what the dump does not show.
   */
  Optional<ReachNote.DockerUserNotJumped> dockerUserNotJumped(IpFamily family) {
    // Asked once per exposure; the answer is the ruleset's: walked once per family.
    return dockerUserNotJumped.computeIfAbsent(family, this::findDockerUserNotJumped);
  }

  private final Map<IpFamily, Optional<ReachNote.DockerUserNotJumped>> dockerUserNotJumped =
      new java.util.EnumMap<>(IpFamily.class);

  private Optional<ReachNote.DockerUserNotJumped> findDockerUserNotJumped(IpFamily family) {
    if (!hasRules(family)) {
      return Optional.empty();
    }
    Ruleset ruleset = rulesFor(family).ruleset();
    Optional<Chain> user = ruleset.chain(TableName.FILTER, "DOCKER-USER");
    if (user.isEmpty() || !ruleset.unseen(TableName.FILTER).isEmpty()) {
      return Optional.empty();
    }
    java.util.Set<String> reached = new java.util.HashSet<>();
    java.util.ArrayDeque<String> work = new java.util.ArrayDeque<>(List.of("FORWARD"));
    while (!work.isEmpty()) {
      String name = work.pop();
      if (!reached.add(name)) {
        continue;
      }
      ruleset.chain(TableName.FILTER, name).ifPresent(c -> c.rules().forEach(r -> {
        switch (r.target()) {
          case Target.Jump j -> work.push(j.chain());
          case Target.Goto g -> work.push(g.chain());
          default -> { }
        }
      }));
    }
    if (reached.contains("DOCKER-USER")) {
      return Optional.empty();
    }
    return Optional.of(new ReachNote.DockerUserNotJumped(family, ruleset.source(), user.get().line(),
        user.get().rules().size()));
  }

  HostNetwork network() {
    return net;
  }

  boolean hasRules(IpFamily family) {
    return family == IpFamily.V4 || ipv6.isPresent();
  }

  RulesetIndex rulesFor(IpFamily family) {
    return family == IpFamily.V4 ? ipv4 : ipv6.orElse(emptyIpv6);
  }
}
