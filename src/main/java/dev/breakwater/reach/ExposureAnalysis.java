package dev.breakwater.reach;

import dev.breakwater.host.Container;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.Rule;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The symbolic side: for one published port, the exact sets of sources that reach it.
 *
 * <p>Everything about the packet but its source is fixed (destination, protocol, ports, ingress).
 * The source space starts as one piece; a piece is evaluated through one representative, and every
 * source range a match on its way tested becomes a cut. A piece no cut falls inside walks the same
 * way for all its members, so its representative's verdict is everyone's; otherwise it is split at
 * the cuts and the parts are evaluated in turn. Only ranges rules actually test on the way become
 * cuts, and no address is ever tried one by one.
 */
final class ExposureAnalysis {
  /** The client's port: fixed, ephemeral, as a real client's would be. */
  static final int CLIENT_PORT = 50000;

  private final Reachability reach;
  private final HostNetwork net;
  private final Map<IpFamily, PacketEvaluator> evaluators = new HashMap<>();

  ExposureAnalysis(Reachability reach) {
    this.reach = reach;
    this.net = reach.network();
  }

  private record Outcome(Verdict verdict, Optional<Rule> decidedBy, String because) {}

  private record Piece(Outcome outcome, List<Span> dependencies, Set<String> chains) {}

  PortExposure analyse(Container container, PublishedPort port) {
    IpFamily family = Span.familyOf(port.hostIp());
    List<String> notes = new ArrayList<>();
    if (container.hostNetwork()) {
      notes.add("network_mode: host: the service listens on the host itself; INPUT (UFW) decides, not Docker's rules");
    }
    List<IPAddress> destinations = port.boundToAll()
        ? net.hostAddresses(family).stream().filter(a -> !HostNetwork.isLoopback(a)).toList()
        : List.of(port.hostIp().withoutPrefixLength());
    List<SourceClass> classes = new ArrayList<>();
    if (!port.boundToAll() && !addressableFromOutside(port.hostIp().withoutPrefixLength())) {
      return unaddressable(container, port, family, notes);
    }
    if (!reach.hasRules(family)) {
      notes.add(Reachability.NO_IP6TABLES_DUMP + ": the IPv6 firewall is unknown");
      for (String ingress : reach.externalInterfaces()) {
        classes.add(new SourceClass(ingress, family, Span.all(family).toPrefixBlocks(),
            new Verdict.PossiblyReachable(List.of(), List.of(Reachability.NO_IP6TABLES_DUMP)), Optional.empty(),
            Reachability.NO_IP6TABLES_DUMP));
      }
      return new PortExposure(container, port, classes, false, List.of(), notes);
    }
    Set<String> chainsSeen = new LinkedHashSet<>();
    for (String ingress : reach.externalInterfaces()) {
      if (destinations.isEmpty()) {
        classes.add(new SourceClass(ingress, family, Span.all(family).toPrefixBlocks(), Verdict.BLOCKED, Optional.empty(),
            "the host has no " + family.label() + " address to receive it"));
        continue;
      }
      classes.addAll(classesFor(port, family, ingress, destinations, chainsSeen));
    }
    if (chainsSeen.contains("DOCKER-INGRESS")) {
      notes.add("published through Swarm's routing mesh (nat/DOCKER-INGRESS): traffic goes to the ingress sandbox on"
          + " docker_gwbridge, and every node of the swarm answers on this port");
    }
    Set<Rule> uncertain = new LinkedHashSet<>();
    for (SourceClass c : classes) {
      if (c.verdict() instanceof Verdict.PossiblyReachable p) {
        uncertain.addAll(p.uncertainBecause());
      }
    }
    classes = reach.qualifiedByUnanalysedTables(classes);
    boolean exact = classes.stream().noneMatch(c -> c.verdict() instanceof Verdict.PossiblyReachable);
    return new PortExposure(container, port, classes, exact, List.copyOf(uncertain), notes);
  }

  /**
   * A host address on loopback, a Docker bridge or a veth: routers never deliver a packet for it
   * to this host, so only the host itself (and the containers) can connect.
   */
  private boolean addressableFromOutside(IPAddress address) {
    if (HostNetwork.isLoopback(address)) {
      return false;
    }
    return net.interfaceOwning(address).map(reach.externalInterfaces()::contains).orElse(true);
  }

  /**
   * Bound to an address outside routers cannot send to. Docker before 28 still DNATs a packet that
   * a neighbour on the link addresses to it by hand (moby#45610, closed by Docker 28's raw
   * PREROUTING drops): a concrete trace from such a neighbour says whether this host lets it in.
   */
  private PortExposure unaddressable(Container container, PublishedPort port, IpFamily family, List<String> notes) {
    IPAddress bound = port.hostIp().withoutPrefixLength();
    List<SourceClass> classes = new ArrayList<>();
    for (String ingress : reach.externalInterfaces()) {
      classes.add(new SourceClass(ingress, family, Span.all(family).toPrefixBlocks(), Verdict.BLOCKED, Optional.empty(),
          "bound to " + bound + ", which no packet routed from outside the host carries"));
      net.neighbourOn(ingress, family).ifPresent(neighbour -> {
        Trace t = reach.trace(new Packet(neighbour, bound, port.protocol(), CLIENT_PORT, port.hostPort(), ingress));
        if (!(t.verdict() instanceof Verdict.Blocked)) {
          notes.add("a neighbour on " + ingress + "'s link (" + net.linkPrefix(ingress, family).map(IPAddress::toString)
              .orElse(neighbour.toString()) + ") that sends to " + bound + " directly is " + t.verdict().label()
              + ": " + t.decision() + " (Docker 28 drops these in raw PREROUTING)");
        }
      });
    }
    if (classes.isEmpty() || notes.isEmpty()) {
      notes.add("bound to " + bound + ": only the host itself and its containers can connect");
    }
    return new PortExposure(container, port, classes, true, List.of(), notes);
  }

  private List<SourceClass> classesFor(
      PublishedPort port, IpFamily family, String ingress, List<IPAddress> destinations, Set<String> chainsSeen) {
    PacketEvaluator evaluator = evaluators.computeIfAbsent(family, f -> new PacketEvaluator(net, reach.rulesFor(f)));
    Map<BigInteger, Piece> byRepresentative = new HashMap<>();
    Deque<Span> work = new ArrayDeque<>();
    work.push(Span.all(family));
    List<Map.Entry<Span, Outcome>> done = new ArrayList<>();
    while (!work.isEmpty()) {
      Span span = work.pop();
      Piece piece = byRepresentative.computeIfAbsent(span.low(),
          low -> evaluate(evaluator, port, ingress, destinations, span.lowAddress()));
      chainsSeen.addAll(piece.chains());
      TreeSet<BigInteger> cuts = new TreeSet<>();
      for (Span d : piece.dependencies()) {
        if (d.family() != family) {
          continue;
        }
        if (d.low().compareTo(span.low()) > 0 && d.low().compareTo(span.high()) <= 0) {
          cuts.add(d.low());
        }
        BigInteger after = d.high().add(BigInteger.ONE);
        if (after.compareTo(span.low()) > 0 && after.compareTo(span.high()) <= 0) {
          cuts.add(after);
        }
      }
      if (cuts.isEmpty()) {
        done.add(Map.entry(span, piece.outcome()));
        continue;
      }
      BigInteger from = span.low();
      List<Span> parts = new ArrayList<>();
      for (BigInteger cut : cuts) {
        parts.add(new Span(family, from, cut.subtract(BigInteger.ONE)));
        from = cut;
      }
      parts.add(new Span(family, from, span.high()));
      for (int i = parts.size() - 1; i >= 0; i--) {
        work.push(parts.get(i));
      }
    }
    Map<Outcome, List<Span>> grouped = new LinkedHashMap<>();
    done.stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> grouped.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey()));
    List<SourceClass> out = new ArrayList<>();
    grouped.forEach((o, spans) -> out.add(new SourceClass(ingress, family, AddressSpans.toPrefixBlocks(spans),
        o.verdict(), o.decidedBy(), o.because())));
    return out;
  }

  /**
   * The verdict and the rule to cite for it: for a reachable class, the last rule that tested the
   * source (the one that tells this class from the others: {@code -s 198.51.100.0/24 -j RETURN})
   * when there is one, else the accepting rule; for a "possibly" class, the first rule the engine
   * could not evaluate; for a blocked class, the dropping rule.
   */
  private static Outcome outcome(PacketEvaluator.Evaluation e, String destination) {
    WalkResult walk = e.first();
    String because = walk.decision() + destination;
    return switch (e.verdict()) {
      case Verdict.PossiblyReachable p when !p.uncertainBecause().isEmpty() -> new Outcome(p,
          Optional.of(p.uncertainBecause().get(0)),
          p.uncertainBecause().get(0).citation() + " uses a match or target Breakwater does not model; otherwise "
              + because);
      case Verdict.Reachable r when walk.lastSourceTest().isPresent()
          && !walk.lastSourceTest().equals(walk.decidedBy()) -> new Outcome(r, walk.lastSourceTest(),
          walk.lastSourceTest().get().citation() + " tells these sources apart, then " + because);
      default -> new Outcome(e.verdict(), walk.decidedBy(), because);
    };
  }

  /** The representative against every destination the port is published on; the best path counts. */
  private Piece evaluate(
      PacketEvaluator evaluator, PublishedPort port, String ingress, List<IPAddress> destinations, IPAddress source) {
    List<Span> dependencies = new ArrayList<>();
    Set<String> chains = new LinkedHashSet<>();
    Outcome best = null;
    for (IPAddress destination : destinations) {
      Packet packet = new Packet(source, destination, port.protocol(), CLIENT_PORT, port.hostPort(), ingress);
      PacketEvaluator.Evaluation e = evaluator.evaluate(packet);
      dependencies.addAll(e.sourceDependencies());
      for (TraceStep step : e.first().steps()) {
        if (step instanceof TraceStep.RuleMatched m) {
          chains.add(m.rule().chain());
        }
      }
      if (best == null || e.verdict().strength() > best.verdict().strength()) {
        best = outcome(e, destinations.size() > 1 ? " (to " + destination + ")" : "");
      }
    }
    return new Piece(best, dependencies, chains);
  }
}
