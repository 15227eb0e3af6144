package dev.breakwater.reach;

import dev.breakwater.host.Container;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.Rule;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every published port's exposure: which addresses it can be reached at, from which ingress
 * interfaces, and the cases said as notes rather than computed (loopback and bridge bindings, no
 * ip6tables dump, no outside interface, Swarm's routing mesh). The source sets themselves come
 * from {@link SourceSplit}.
 */
final class ExposureAnalysis {
  /** The client's port: fixed, ephemeral, as a real client's would be. */
  static final int CLIENT_PORT = 50000;

  private final Reachability reach;
  private final HostNetwork net;
  private final Map<IpFamily, SourceSplit> splits = new HashMap<>();

  ExposureAnalysis(Reachability reach) {
    this.reach = reach;
    this.net = reach.network();
  }

  PortReach analyse(Container container, PublishedPort port) {
    IpFamily family = IpFamily.of(port.hostIp());
    List<ReachNote> notes = new ArrayList<>();
    if (container.hostNetwork()) {
      notes.add(new ReachNote.HostNetworking());
    } else {
      reach.dockerUserNotJumped(family).ifPresent(notes::add);
    }
    List<IPAddress> wildcard = net.hostAddresses(family).stream().filter(a -> !HostNetwork.isLoopback(a)).toList();

    List<SourceClass> classes = new ArrayList<>();
    List<IPAddress> destinations = port.boundToAll() ? wildcard : List.of(port.hostIp().withoutPrefixLength());
    if (!port.boundToAll() && !addressableFromOutside(port.hostIp().withoutPrefixLength())) {
      return unaddressable(container, port, family, notes);
    }
    if (reach.externalInterfaces().isEmpty()) {
      // Without an outside interface there is nowhere to trace from: say so rather than "nobody".
      ReachNote none = new ReachNote.NoExternalInterface();
      String why = none.text();
      notes.add(none);
      classes.add(new SourceClass("", family, Span.all(family).toPrefixBlocks(),
          new Verdict.PossiblyReachable(List.of(), List.of(why)), Optional.empty(), why));
      return new PortReach(container, port, classes, List.of(), notes);
    }
    if (!reach.hasRules(family)) {
      notes.add(new ReachNote.Ipv6FirewallUnknown());
      for (String ingress : reach.externalInterfaces()) {
        classes.add(new SourceClass(ingress, family, Span.all(family).toPrefixBlocks(),
            new Verdict.PossiblyReachable(List.of(), List.of(Reachability.NO_IP6TABLES_DUMP)), Optional.empty(),
            Reachability.NO_IP6TABLES_DUMP));
      }
      return new PortReach(container, port, classes, List.of(), notes);
    }
    Set<String> chainsSeen = new LinkedHashSet<>();
    for (String ingress : reach.externalInterfaces()) {
      if (destinations.isEmpty()) {
        classes.add(new SourceClass(ingress, family, Span.all(family).toPrefixBlocks(), Verdict.BLOCKED, Optional.empty(),
            "the host has no " + family.label() + " address to receive it"));
        continue;
      }
      SourceSplit split = splits.computeIfAbsent(family,
          f -> new SourceSplit(new PacketEvaluator(net, reach.rulesFor(f), false), f));
      classes.addAll(split.classes(port, ingress, destinations(port, wildcard, ingress), chainsSeen));
    }
    if (chainsSeen.contains("DOCKER-INGRESS")) {
      notes.add(new ReachNote.SwarmIngress());
    }
    Set<Rule> uncertain = new LinkedHashSet<>();
    Set<String> reasons = new LinkedHashSet<>();
    for (SourceClass c : classes) {
      if (c.verdict() instanceof Verdict.PossiblyReachable p) {
        uncertain.addAll(p.uncertainBecause());
        reasons.addAll(p.reasons());
      }
    }
    // The unseen tables that made this port's answer "possibly", said where the port is judged.
    reach.rulesFor(family).ruleset().unseen().stream()
        .filter(u -> reasons.contains(u.text()))
        .forEach(u -> notes.add(new ReachNote.UnseenRules(family, u)));
    classes = reach.qualifiedByUnanalysedTables(classes);
    return new PortReach(container, port, classes, List.copyOf(uncertain), notes);
  }

  /**
   * Where a packet to the port can be addressed: for a wildcard binding every host address of the
   * family, the ingress interface's own first (the usual case, and often decisive at once).
   */
  private List<IPAddress> destinations(PublishedPort port, List<IPAddress> wildcard, String ingress) {
    if (!port.boundToAll()) {
      return List.of(port.hostIp().withoutPrefixLength());
    }
    List<IPAddress> ordered = new ArrayList<>();
    wildcard.stream().filter(a -> net.interfaceOwning(a).orElse("").equals(ingress)).forEach(ordered::add);
    wildcard.stream().filter(a -> !net.interfaceOwning(a).orElse("").equals(ingress)).forEach(ordered::add);
    return ordered;
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
  private PortReach unaddressable(Container container, PublishedPort port, IpFamily family, List<ReachNote> notes) {
    IPAddress bound = port.hostIp().withoutPrefixLength();
    List<SourceClass> classes = new ArrayList<>();
    String unrouted = "bound to " + bound + ", which no packet routed from outside the host carries";
    for (String ingress : reach.externalInterfaces()) {
      Optional<IPAddress> linkPrefix = net.linkPrefix(ingress, family).map(IPAddress::toPrefixBlock);
      if (linkPrefix.isEmpty()) {
        classes.add(new SourceClass(ingress, family, Span.all(family).toPrefixBlocks(), Verdict.BLOCKED, Optional.empty(),
            unrouted));
        continue;
      }
      // The link's neighbours are split like any source (the same walk trace makes), as if the
      // packet were addressed to the bound address; the rest of the world cannot address it.
      List<IPAddress> link = List.of(linkPrefix.get());
      SourceSplit split = splits.computeIfAbsent(family,
          f -> new SourceSplit(new PacketEvaluator(net, reach.rulesFor(f), false), f));
      Optional<SourceClass> firstIn = Optional.empty();
      // A socket of the host itself on 127.0.0.0/8: nothing DNATs the packet, route_localnet lets it in.
      boolean localnet = port.containerIp().isEmpty() && HostNetwork.isLoopback(bound) && net.routesLoopback(ingress);
      for (SourceClass c : split.classes(port, ingress, List.of(bound), new LinkedHashSet<>())) {
        List<IPAddress> inside = dev.breakwater.net.AddressSets.intersect(c.sources(), link);
        if (inside.isEmpty()) {
          continue;
        }
        boolean in = !(c.verdict() instanceof Verdict.Blocked);
        SourceClass onLink = new SourceClass(ingress, family, inside, c.verdict(), c.decidedBy(), !in ? c.because()
            : localnet
                ? "a neighbour on " + ingress + "'s link that sends to " + bound + " directly: " + c.because() + " ("
                    + net.routeLocalnetSetting(ingress) + " routes 127.0.0.0/8 arriving on " + ingress + ": set it to 0)"
                : "a neighbour on " + ingress + "'s link that sends to " + bound + " directly: " + c.because()
                    + " (Docker before 28 has no raw PREROUTING drop for it, moby#45610: upgrade, or drop in raw PREROUTING"
                    + " '-d " + bound + " ! -i lo -j DROP')",
            c.needs());
        classes.add(onLink);
        if (in && firstIn.isEmpty()) {
          firstIn = Optional.of(onLink);
        }
      }
      firstIn.ifPresent(c -> {
        Trace t = reach.trace(new Packet(c.sources().get(0).getLower().withoutPrefixLength(), bound, port.protocol(),
            CLIENT_PORT, port.hostPort(), ingress), false);
        notes.add(new ReachNote.NeighbourSendsDirectly(ingress, linkPrefix.get().toString(), bound, t.verdict(),
            t.decision(), localnet ? net.routeLocalnetSetting(ingress) + " routes 127.0.0.0/8 arriving on " + ingress
                : ReachNote.NeighbourSendsDirectly.DOCKER));
      });
      List<IPAddress> rest = dev.breakwater.net.AddressSets.minus(Span.all(family).toPrefixBlocks(), link);
      if (!rest.isEmpty()) {
        classes.add(new SourceClass(ingress, family, rest, Verdict.BLOCKED, Optional.empty(), unrouted));
      }
    }
    if (classes.isEmpty() || notes.isEmpty()) {
      notes.add(new ReachNote.HostOnlyBinding(bound));
    }
    return new PortReach(container, port, classes, List.of(), notes);
  }
}
