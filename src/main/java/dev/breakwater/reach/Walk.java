package dev.breakwater.reach;

import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.BaseChain;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Hook;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.Match.CtState;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.Target;
import dev.breakwater.netfilter.UnseenTable;
import inet.ipaddr.IPAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One deterministic walk of a new inbound packet through PREROUTING, the routing decision and
 * INPUT, or FORWARD and POSTROUTING. Where the outcome depends on something the engine cannot evaluate (an unknown
 * match or target), the walk takes the branch named by the next entry of {@code choices}; when
 * none is left it stops with {@link ChoiceNeeded} and {@link PacketEvaluator} explores every branch.
 */
final class Walk {

  /** The walk met an unknown it has no choice for; {@code options} branches exist. */
  static final class ChoiceNeeded extends RuntimeException {
    final int options;

    ChoiceNeeded(int options) {
      super(null, null, false, false);
      this.options = options;
    }
  }

  /** Branches for a rule whose matches hold except for unknown ones. */
  static final int MATCH_NO = 0;
  /** Branches for an unknown target: it lets the packet go on, accepts it, or drops it. */
  static final int TARGET_CONTINUE = 0;
  static final int TARGET_ACCEPT = 1;

  private static final int MAX_CALL_DEPTH = 128;
  /** Gotos push no return point, so a goto cycle is caught by counting transfers instead. */
  private static final int MAX_TRANSFERS = 4096;
  private static final Set<CtState> UNTRACKED_STATE = EnumSet.of(CtState.UNTRACKED);
  private static final Set<CtState> INVALID_STATE = EnumSet.of(CtState.INVALID);
  private static final Set<CtState> NEW_STATE = EnumSet.of(CtState.NEW);
  private static final Set<CtState> NEW_DNAT_STATE = EnumSet.of(CtState.NEW, CtState.DNAT);
  private static final Set<CtState> ESTABLISHED_STATE = EnumSet.of(CtState.ESTABLISHED);
  private final HostNetwork net;
  private final RulesetIndex rules;
  private final Packet packet;
  private final List<Integer> choices;
  private int nextChoice;

  private IPAddress destination;
  private int destinationPort;
  private String outInterface = "";
  private String hook = "PREROUTING";
  /** False in raw/PREROUTING, before conntrack has seen the packet. */
  private boolean conntrackSeen;
  private boolean untracked;
  private boolean dnatted;
  /** In the tables after INPUT's or FORWARD's filtering ones: they can only drop. */
  private boolean afterVerdict;
  /** skb->mark: 0 on a packet from the wire until a rule sets it. */
  private long packetMark;
  /** The connection's mark: 0 on a new connection until a rule sets it. */
  private long connectionMark;
  /** False once a rule changed a mark in a way not modelled (a MARK form other than --set-xmark). */
  private boolean packetMarkKnown = true;
  private boolean connectionMarkKnown = true;

  /**
   * In the answer's leg ({@link #answer}): the listener's SYN-ACK or UDP answer, an ESTABLISHED
   * packet of the connection the first packet opened, going the other way.
   */
  private boolean reply;
  /** The device the packet being walked arrived on: the first packet's, then the answer's ("" when the host sent it). */
  private String inInterface;
  /** The answer's source and source port: the first packet's destination after DNAT, until POSTROUTING undoes it. */
  private IPAddress replySource;
  private int replySourcePort;
  /** What conntrack has for the answer. */
  private ReplyEntry replyEntry = ReplyEntry.ESTABLISHED;
  /** The source a SNAT or MASQUERADE gave the first packet: where the answer is sent until nat undoes it. */
  private Optional<IPAddress> snatTo = Optional.empty();
  private boolean snatted;
  /** The answer as the container or host socket sends it, before POSTROUTING undoes the DNAT: what a trace names. */
  private IPAddress answerFrom;
  private int answerFromPort;

  /**
   * What conntrack makes of the answer: the reply direction of the first packet's entry; for a first
   * packet that was not tracked, no entry at all (a SYN-ACK or RST opens none: tcp_new refuses it,
   * nf_conntrack_proto_tcp.c) or, for UDP, a new entry of its own.
   */
  private enum ReplyEntry { ESTABLISHED, NONE, OWN }

  private final List<TraceStep> steps = new ArrayList<>();
  private final List<Rule> uncertain = new ArrayList<>();
  /** Why an uncertain match is unknowable: host state filled at run time (an ipset SET writes, a recent list). */
  private final List<String> runTimeState = new ArrayList<>();
  private final List<Span> sourceDependencies = new ArrayList<>();
  private final List<UnseenTable> unseenDecides = new ArrayList<>();
  /** Unseen tables met that can drop; they matter only if the walk ends accepted. */
  private final List<UnseenTable> unseenMayDrop = new ArrayList<>();
  /** The source-port ranges matches tested: the attacker picks the port, so they cut its space. */
  private final List<PortRange> sourcePortTests = new ArrayList<>();
  /** The TCP flag bits matches tested: the attacker picks the first packet's flags. */
  private int flagsTested;
  /** The extension-header tests matches made ({@link ExtensionHeaders#key}): the attacker picks the headers. */
  private final Set<String> headerTests = new java.util.LinkedHashSet<>();
  private final Map<ChainIndex, Integer> forwardChainsReached = new java.util.IdentityHashMap<>();
  private Optional<NatStep> nat = Optional.empty();
  /** The last rule whose outcome depended on the source address: what tells one class from another. */
  private Optional<Rule> lastSourceTest = Optional.empty();

  /** False when only the verdict is wanted: no path and no FORWARD bookkeeping for hints. */
  private final boolean recording;
  private final boolean anyDestination;

  Walk(HostNetwork net, RulesetIndex rules, Packet packet, List<Integer> choices) {
    this(net, rules, packet, choices, true);
  }

  Walk(HostNetwork net, RulesetIndex rules, Packet packet, List<Integer> choices, boolean recording) {
    this(net, rules, packet, choices, recording, false);
  }

  /**
   * @param anyDestination whether an unseen nat table may send the packet to any address and port
   *     (the question "is this packet delivered?"), or only to the container Docker's DNAT of the
   *     port names (the question "who reaches this container's port?")
   */
  Walk(HostNetwork net, RulesetIndex rules, Packet packet, List<Integer> choices, boolean recording,
      boolean anyDestination) {
    this.recording = recording;
    this.anyDestination = anyDestination;
    this.net = net;
    this.rules = rules;
    this.packet = packet;
    this.choices = choices;
    this.destination = packet.destination();
    this.destinationPort = packet.destinationPort();
    this.inInterface = packet.inInterface();
  }

  /**
   * Whether {@code rule} would match the packet as FORWARD sees it after {@code done}, but with
   * the destination {@code destination:port}: how a {@code -d}/{@code --dport} written for the
   * published address and port fares against the translated ones. False when an unknown match
   * leaves it open.
   */
  static boolean wouldMatchInForward(
      HostNetwork net, RulesetIndex rules, Packet packet, WalkResult done, Rule rule, IPAddress destination, int port) {
    Walk probe = new Walk(net, rules, packet, List.of());
    probe.hook = "FORWARD";
    probe.destination = destination;
    probe.destinationPort = port;
    probe.conntrackSeen = true;
    probe.dnatted = done.nat().isPresent();
    probe.outInterface = done.route().map(r -> r instanceof RouteDecision.Forward f ? f.outInterface() : "").orElse("");
    return rule.matches().stream().allMatch(m -> probe.evaluate(m) == Truth.TRUE);
  }

  /** How one table's traversal ended. */
  /** {@code decision} is built only when asked: most walks are never described. */
  private record TableOutcome(boolean accepted, Optional<Rule> rule, Supplier<String> decision) {}

  WalkResult run() {
    for (HookStation station : rules.stations(Hook.INGRESS)) {
      // netdev ingress: before the IP stack and conntrack, only for its own device.
      if (station instanceof HookStation.Nft nft && nft.base().device().orElse("").equals(inInterface)) {
        hook = "INGRESS";
        TableOutcome outcome = traverse(station);
        if (!outcome.accepted()) {
          return finish(outcome, Optional.empty(), Optional.empty());
        }
      }
    }
    hook = "PREROUTING";
    natBound = false;
    for (HookStation station : rules.stations(Hook.PREROUTING)) {
      passConntrackBefore(station);
      if (station.nat() && (untracked || natBound)) {
        // Only the first packet of a connection traverses nat, an untracked one never does, and
        // the NAT core stops at the first nat chain that set up a translation (nf_nat_inet_fn).
        continue;
      }
      TableOutcome outcome = traverse(station);
      if (!outcome.accepted()) {
        return finish(outcome, Optional.empty(), Optional.empty());
      }
    }
    passConntrack();
    HostNetwork.RouteQuery query = routeQuery();
    RouteDecision route = net.route(destination, packet.inInterface(), query);
    if (net.routesByRules(packet.family())) {
      // ip rule's selectors split the sources (from) as the routes do.
      sourceDependencies.addAll(net.routeBoundaries(packet.family()));
    }
    if (!(route instanceof RouteDecision.Dropped) && net.checksReversePath(packet.family(), packet.inInterface())) {
      // fib_validate_source, at the same routing decision (ip_route_input_slow): the route back
      // to the source, which the routes split by source address.
      sourceDependencies.addAll(net.routeBoundaries(packet.family()));
      Optional<String> rpDrop = net.reversePathDrop(source(), destination, route, packet.inInterface(), query);
      if (rpDrop.isPresent()) {
        route = new RouteDecision.Dropped(rpDrop.get());
      }
    }
    if (route instanceof RouteDecision.Local && net.checksLoopbackReply(destination, packet.inInterface())) {
      // The answer's route (__mkroute_output) depends on the route back to the source, which the
      // routes split by source address: where it cannot leave, nothing answers.
      sourceDependencies.addAll(net.routeBoundaries(packet.family()));
      Optional<String> noReply = net.loopbackReplyDrop(source(), destination, packet.inInterface(), query);
      if (noReply.isPresent()) {
        route = new RouteDecision.Dropped(noReply.get());
      }
    }
    if (recording) {
      steps.add(new TraceStep.Routed(route.describe()));
    }
    return switch (route) {
      case RouteDecision.Dropped d -> finish(new TableOutcome(false, Optional.empty(), () -> "routing: " + d.why()),
          Optional.of(route), Optional.empty());
      case RouteDecision.Local l -> {
        hook = "INPUT";
        // LOCAL_IN: mangle (-150), filter (0), security (50), nat (100, SNAT to local sockets).
        yield hooks(route, new Delivery.HostSocket(destination, destinationPort), Hook.INPUT, false);
      }
      case RouteDecision.Forward f -> {
        outInterface = f.outInterface();
        // FORWARD: mangle, filter, security; then POST_ROUTING: mangle (-150), nat (100). A DROP in
        // mangle/POSTROUTING drops a forwarded packet the FORWARD hook accepted (kernel oracle,
        // KernelFoundTest); SNAT/MASQUERADE there only rewrite the source.
        hook = "FORWARD";
        yield hooks(route, new Delivery.Forwarded(destination, destinationPort, outInterface, net.containerAt(destination)),
            Hook.FORWARD, true);
      }
    };
  }

  /**
   * The packet as the routing decision reads it ({@link PolicyRouting}): its fields at this point
   * of the walk, and the walk's choices for what the snapshot cannot tell, whose reasons the
   * answer names.
   */
  private HostNetwork.RouteQuery routeQuery() {
    return new HostNetwork.RouteQuery() {
      @Override
      public IPAddress source() {
        return Walk.this.source();
      }

      @Override
      public int protocol() {
        return packet.protocol().number();
      }

      @Override
      public int sourcePort() {
        return reply ? replySourcePort : packet.sourcePort();
      }

      @Override
      public int destinationPort() {
        return reply ? packet.sourcePort() : destinationPort;
      }

      @Override
      public boolean answer() {
        return reply;
      }

      @Override
      public java.util.OptionalLong mark() {
        return packetMarkKnown ? java.util.OptionalLong.of(packetMark) : java.util.OptionalLong.empty();
      }

      @Override
      public int choose(int options, String why) {
        if (!runTimeState.contains(why)) {
          runTimeState.add(why);
        }
        return Walk.this.choose(options);
      }

      @Override
      public void sourcePortTested(PortRange range) {
        sourcePortTests.add(range);
      }
    };
  }

  /** Whether conntrack ({@link BaseChain#CONNTRACK_PRIORITY}) has looked at the packet yet. */
  private boolean pastConntrack;
  /** A nat chain of this hook set up a translation: the NAT core calls no further nat chain. */
  private boolean natBound;

  private void passConntrackBefore(HookStation station) {
    if (station.priority() > BaseChain.CONNTRACK_PRIORITY) {
      passConntrack();
    }
  }

  private void passConntrack() {
    if (!pastConntrack) {
      pastConntrack = true;
      conntrackSeen = !untracked;
    }
  }

  /**
   * The last hooks of the packet: the stations of INPUT or FORWARD, whose verdict is the answer,
   * then (when forwarded) POSTROUTING's, which can only drop what the filtering hook accepted.
   */
  private WalkResult hooks(RouteDecision route, Delivery delivery, Hook filteringHook, boolean postrouting) {
    TableOutcome filter = null;
    TableOutcome lastPresent = null;
    TableOutcome lastByRule = null;
    natBound = false;
    for (HookStation station : rules.stations(filteringHook)) {
      if (station.nat()) {
        if (untracked || natBound) {
          continue;
        }
        // nat at INPUT only rewrites the source: after the verdict, not part of it.
        afterVerdict = true;
      }
      TableOutcome outcome = traverse(station);
      if (!outcome.accepted()) {
        return finish(outcome, Optional.of(route), Optional.empty());
      }
      if (station.nat()) {
        continue;
      }
      boolean present = switch (station) {
        case HookStation.Iptables t -> rules.hasTable(t.table());
        case HookStation.Nft n -> true;
      };
      if (present) {
        lastPresent = outcome;
        if (outcome.rule().isPresent()) {
          lastByRule = outcome;
        }
        if (station instanceof HookStation.Iptables t && t.table() == TableName.FILTER) {
          filter = outcome;
        }
      }
    }
    // The filter table is where an accept means something; mangle and security usually pass all.
    // Beside nft tables, the station whose rule accepted says more than one whose policy did.
    TableOutcome decisive;
    if (!rules.hasNftTables()) {
      decisive = filter != null ? filter : lastPresent;
    } else if (filter != null && filter.rule().isPresent()) {
      decisive = filter;
    } else {
      decisive = lastByRule != null ? lastByRule : filter != null ? filter : lastPresent;
    }
    if (decisive == null) {
      decisive = new TableOutcome(true, Optional.empty(), () -> "no filter table: accepted");
    }
    // After the verdict: an accepting policy here is not worth a line of the path.
    afterVerdict = true;
    if (postrouting) {
      hook = "POSTROUTING";
      natBound = false;
      for (HookStation station : rules.stations(Hook.POSTROUTING)) {
        if (station.nat() && (untracked || natBound)) {
          continue;
        }
        TableOutcome outcome = traverse(station);
        if (!outcome.accepted()) {
          return finish(outcome, Optional.of(route), Optional.empty());
        }
      }
    }
    IPAddress delivered = destination;
    Optional<TableOutcome> unanswered = answer(route);
    destination = delivered;
    if (unanswered.isPresent()) {
      return finish(unanswered.get(), Optional.of(route), Optional.empty());
    }
    return finish(decisive, Optional.of(route), Optional.of(delivery));
  }

  /**
   * The answer to the delivered first packet, walked back: the listener's SYN-ACK (or UDP answer),
   * which conntrack files as ESTABLISHED in the reply direction of the same entry. It does not
   * traverse nat (only a connection's first packet does, nf_nat_inet_fn); the NAT of the first
   * packet is undone by conntrack instead: a SNAT of it at PREROUTING's or OUTPUT's nat priority
   * (-100, before routing), its DNAT at POSTROUTING's (100), so the chains in between see the
   * container's address and port as source. From a container: PREROUTING on the device the first
   * packet left by, the routing decision towards the client (that device's own forwarding sysctl,
   * as for any forwarded packet), FORWARD, POSTROUTING. From a host socket: the output route
   * towards the client, OUTPUT, POSTROUTING. The answer's addresses and ports are the
   * connection's, and only the client's port (its destination port) was the sender's choice.
   *
   * @return how it is dropped, or empty when it leaves the host
   */
  private Optional<TableOutcome> answer(RouteDecision route) {
    boolean local = route instanceof RouteDecision.Local;
    String arrival = route instanceof RouteDecision.Forward f ? f.outInterface() : "";
    IPAddress client = packet.source();
    reply = true;
    replySource = destination;
    replySourcePort = destinationPort;
    answerFrom = destination;
    answerFromPort = destinationPort;
    replyEntry = !untracked ? ReplyEntry.ESTABLISHED
        : packet.protocol() == Transport.TCP ? ReplyEntry.NONE : ReplyEntry.OWN;
    untracked = false;
    pastConntrack = false;
    conntrackSeen = false;
    packetMark = 0;
    packetMarkKnown = true;
    if (replyEntry != ReplyEntry.ESTABLISHED) {
      connectionMark = 0;
      connectionMarkKnown = true;
    }
    afterVerdict = true;
    inInterface = local ? "" : arrival;
    outInterface = "";
    // Until conntrack undoes a SNAT of the first packet (nat priority -100), the answer goes to the SNAT address.
    IPAddress beforeUnsnat = snatTo.orElse(client);
    destination = beforeUnsnat;
    if (recording) {
      steps.add(new TraceStep.Answer(packet.protocol(), answerFrom, answerFromPort, client, packet.sourcePort(),
          local ? "from a host socket" : "arriving on " + arrival));
    }
    int unsnat = BaseChain.natPriority(Hook.PREROUTING);
    // A client in 127.0.0.0/8 or ::1, or with one of the host's own addresses, is a martian source,
    // which the kernel drops on arrival (ip_route_input_slow, fib_validate_source without
    // accept_local) and the engine does not model for the first packet (docs/reach.md): its
    // answer is taken to go back the way the first packet came, not to the host itself.
    boolean martian = HostNetwork.isLoopback(client) || net.isLocal(client);
    if (local) {
      // ip_route_output_key before LOCAL_OUT: the route towards the client names the device.
      sourceDependencies.addAll(net.routeBackBoundaries(packet.family()));
      RouteDecision back = martian ? new RouteDecision.Forward(packet.inInterface(), "the way it came")
          : net.route(client, "lo", routeQuery());
      if (back instanceof RouteDecision.Dropped d) {
        if (recording) {
          steps.add(new TraceStep.Routed("answer: " + d.describe()));
        }
        return Optional.of(unanswered(new TableOutcome(false, Optional.empty(), () -> "routing: no way back to " + client
            + " (" + d.why() + ")")));
      }
      outInterface = back instanceof RouteDecision.Forward f ? f.outInterface() : "lo";
      if (intoDockerNetwork(outInterface)) {
        outInterface = packet.inInterface();
      }
      if (recording) {
        steps.add(new TraceStep.Routed("answer: " + (back instanceof RouteDecision.Forward f
            ? "out of " + f.outInterface() + " (" + f.why() + ")" : "to the host itself")));
      }
      hook = "OUTPUT";
      Optional<TableOutcome> dropped = replyStations(Hook.OUTPUT, unsnat, client);
      if (dropped.isPresent()) {
        return dropped;
      }
    } else {
      hook = "INGRESS";
      for (HookStation station : rules.stations(Hook.INGRESS)) {
        if (station instanceof HookStation.Nft nft && nft.base().device().orElse("").equals(arrival)) {
          TableOutcome outcome = traverse(station);
          if (!outcome.accepted()) {
            return Optional.of(unanswered(outcome));
          }
        }
      }
      hook = "PREROUTING";
      Optional<TableOutcome> dropped = replyStations(Hook.PREROUTING, unsnat, client);
      if (dropped.isPresent()) {
        return dropped;
      }
      passConntrack();
      destination = client;
      // The route towards the client depends on the client: the routes and host addresses split the sources.
      sourceDependencies.addAll(net.routeBackBoundaries(packet.family()));
      RouteDecision back = martian ? net.forward(client, arrival, packet.inInterface(), "the way it came")
          : net.route(client, arrival, routeQuery());
      if (back instanceof RouteDecision.Forward f && intoDockerNetwork(f.outInterface())) {
        // A client from outside with an address of a Docker network (spoofed, or a LAN that
        // collides with it): not judged, as a martian is not (docs/reach.md).
        back = net.forward(client, arrival, packet.inInterface(), "the way it came");
      }
      if (!(back instanceof RouteDecision.Dropped) && net.checksReversePath(packet.family(), arrival)) {
        Optional<String> rpDrop = net.reversePathDrop(replySource, arrival);
        if (rpDrop.isPresent()) {
          back = new RouteDecision.Dropped(rpDrop.get());
        }
      }
      if (recording) {
        steps.add(new TraceStep.Routed("answer: " + back.describe()));
      }
      switch (back) {
        case RouteDecision.Dropped d -> {
          return Optional.of(unanswered(new TableOutcome(false, Optional.empty(), () -> "routing: " + d.why())));
        }
        case RouteDecision.Local l -> {
          hook = "INPUT";
          return replyStations(Hook.INPUT, unsnat, client);
        }
        case RouteDecision.Forward f -> {
          outInterface = f.outInterface();
          hook = "FORWARD";
          dropped = replyStations(Hook.FORWARD, unsnat, client);
          if (dropped.isPresent()) {
            return dropped;
          }
        }
      }
    }
    hook = "POSTROUTING";
    return replyStations(Hook.POSTROUTING, unsnat, client);
  }

  /**
   * The answer through one hook's stations, nat's skipped. {@code client} replaces a SNAT address
   * as destination from the nat priority on; in POSTROUTING, past the nat priority (100), the
   * source is the first packet's original destination again.
   */
  private Optional<TableOutcome> replyStations(Hook at, int unsnat, IPAddress client) {
    for (HookStation station : rules.stations(at)) {
      passConntrackBefore(station);
      if (station.nat()) {
        continue;
      }
      if ((at == Hook.PREROUTING || at == Hook.OUTPUT) && station.priority() >= unsnat) {
        destination = client;
      }
      if (at == Hook.POSTROUTING && station.priority() > BaseChain.natPriority(Hook.POSTROUTING)) {
        replySource = packet.destination();
        replySourcePort = packet.destinationPort();
      }
      TableOutcome outcome = traverse(station);
      if (!outcome.accepted()) {
        return Optional.of(unanswered(outcome));
      }
    }
    return Optional.empty();
  }

  /** Whether the route back to the client leads into a Docker network though the first packet came from elsewhere. */
  private boolean intoDockerNetwork(String out) {
    return Reachability.isDockerInterface(out) && !Reachability.isDockerInterface(packet.inInterface());
  }

  /** A drop of the answer, said as such: the first packet was delivered, nothing came back. */
  private TableOutcome unanswered(TableOutcome dropped) {
    // Not the client's address or port: sources with the same fate get the same words (one class).
    String from = Delivery.endpoint(answerFrom, answerFromPort);
    return new TableOutcome(false, dropped.rule(), () -> "the answer from " + from + " is dropped: " + dropped.decision().get());
  }

  private TableOutcome traverse(HookStation station) {
    return switch (station) {
      case HookStation.Iptables t -> traverse(t.table(), hook);
      case HookStation.Nft n -> {
        Optional<ChainIndex> start = rules.nftChain(n.table().label(), n.base().chain());
        yield start.isEmpty()
            ? new TableOutcome(true, Optional.empty(), () -> n.table().label() + "/" + n.base().chain() + ": accepted")
            : walkChain(start.get());
      }
    };
  }

  private WalkResult finish(TableOutcome outcome, Optional<RouteDecision> route, Optional<Delivery> delivery) {
    boolean mayBeDropped = outcome.accepted() && !unseenMayDrop.isEmpty();
    List<UnseenTable> decides = new ArrayList<>(unseenDecides);
    if (mayBeDropped) {
      unseenMayDrop.stream().filter(u -> !decides.contains(u)).forEach(decides::add);
    }
    return new WalkResult(outcome.accepted(), outcome.rule(), outcome.decision(), steps, uncertain,
        sourceDependencies, forwardChainsReached, nat, route, delivery, destination, destinationPort, lastSourceTest,
        decides, mayBeDropped,
        sourcePortTests, flagsTested, headerTests, runTimeState);
  }

  private record Frame(ChainIndex chain, int[] candidates, int next) {}

  /**
   * The table's rules the dump shows, then what its unseen part could do. An unseen nat table in
   * PREROUTING may translate the destination of a packet no seen nat chain translated (DNAT,
   * REDIRECT, NETMAP: nf_nat_inet_fn calls every nat base chain of the hook until one binds), to
   * where Docker's DNAT of a published port sends it and, with {@code anyDestination}, to any
   * address and port: each host and container address with one port of every piece the
   * ruleset's port tests make ({@link RulesetIndex#destinationPortRepresentatives}), a branch
   * each beside the untranslated one. Where no branch is accepted the answer stays exact. In
   * other hooks nat only rewrites the source. Any other unseen table may drop the packet or pass
   * it on: that matters only to an accepted walk, which then counts as both (see {@link
   * PacketEvaluator}). iptables refuses DROP in nat, so nat cannot drop.
   */
  private TableOutcome traverse(TableName table, String builtin) {
    TableOutcome seen = traverseSeen(table, builtin);
    List<UnseenTable> unseen = rules.unseen(table);
    if (unseen.isEmpty() || !seen.accepted()) {
      return seen;
    }
    if (table != TableName.NAT) {
      unseenMayDrop.addAll(unseen);
      return rules.hasTable(table) ? seen
          : new TableOutcome(true, Optional.empty(), () -> "the " + table.label() + " table is not in the dump");
    }
    if (!builtin.equals("PREROUTING") || dnatted || natBound) {
      return seen;
    }
    List<Endpoint> targets = unseenNatTargets();
    if (targets.isEmpty()) {
      return seen;
    }
    unseenDecides.addAll(unseen);
    int choice = choose(targets.size() + 1);
    if (choice == 0) {
      return seen;
    }
    Endpoint target = targets.get(choice - 1);
    natBound = true;
    IPAddress fromAddress = destination;
    int fromPort = destinationPort;
    destination = target.address();
    destinationPort = target.port();
    dnatted = true;
    String table0 = unseen.get(0).text();
    return new TableOutcome(true, Optional.empty(), () -> (target.published() ? "the unseen nat table taken as Docker's DNAT "
        : "the unseen nat table taken to translate ") + Delivery.endpoint(fromAddress, fromPort) + " -> "
        + Delivery.endpoint(target.address(), target.port()) + " (" + table0 + ")");
  }

  /** Where an unseen nat table may send the packet; {@code published} for Docker's own DNAT. */
  private record Endpoint(IPAddress address, int port, boolean published) {}

  private List<Endpoint> unseenNatTargets() {
    List<Endpoint> out = new ArrayList<>();
    for (HostNetwork.PublishedDnat d : net.publishedDnats(destination, destinationPort, packet.protocol())) {
      out.add(new Endpoint(d.to(), d.toPort(), true));
    }
    if (!anyDestination) {
      return out;
    }
    List<IPAddress> addresses = new ArrayList<>();
    // A loopback address only where the kernel routes it from the arrival device (route_localnet).
    net.hostAddresses(packet.family()).stream()
        .filter(a -> !HostNetwork.isLoopback(a) || a.isIPv4() && net.routesLoopback(packet.inInterface()))
        .forEach(addresses::add);
    net.containerAddresses(packet.family()).stream().filter(a -> !addresses.contains(a)).forEach(addresses::add);
    for (IPAddress address : addresses) {
      for (int port : rules.destinationPortRepresentatives()) {
        boolean same = address.equals(destination) && port == destinationPort;
        boolean listed = out.stream().anyMatch(e -> e.address().equals(address) && e.port() == port);
        if (!same && !listed) {
          out.add(new Endpoint(address, port, false));
        }
      }
    }
    return out;
  }

  private TableOutcome traverseSeen(TableName table, String builtin) {
    if (!rules.hasTable(table)) {
      return new TableOutcome(true, Optional.empty(), () -> "no " + table.label() + " table: accepted");
    }
    Optional<ChainIndex> start = rules.chain(table, builtin);
    if (start.isEmpty()) {
      return new TableOutcome(true, Optional.empty(),
          () -> "no " + table.label() + "/" + builtin + " chain: accepted");
    }
    return walkChain(start.get());
  }

  /** A base chain's rules, jumps followed, to its verdict or policy. */
  private TableOutcome walkChain(ChainIndex base) {
    Optional<ChainIndex> start = Optional.of(base);
    Deque<Frame> callers = new ArrayDeque<>();
    int transfers = 0;
    ChainIndex current = start.get();
    int[] candidates = candidatesOf(current);
    int at = 0;
    while (true) {
      if (at >= candidates.length) {
        if (recording && !reply && hook.equals("FORWARD")) {
          // Passed the whole chain, the rules the index skipped included.
          forwardChainsReached.merge(current, current.size(), Math::max);
        }
        if (callers.isEmpty()) {
          return policy(start.get().chain());
        }
        Frame back = callers.pop();
        current = back.chain();
        candidates = back.candidates();
        at = back.next();
        continue;
      }
      int index = candidates[at++];
      Rule rule = current.rule(index);
      if (recording && !reply && hook.equals("FORWARD")) {
        forwardChainsReached.merge(current, rule.position(), Math::max);
      }
      if (!matches(rule)) {
        continue;
      }
      if (recording) {
        steps.add(new TraceStep.RuleMatched(hookLabel(), rule));
      }
      for (Target effect : rule.effects()) {
        Optional<TableOutcome> ended = effect(rule, effect);
        if (ended.isPresent()) {
          return ended.get();
        }
      }
      Target target = rule.target();
      if (target instanceof Target.Jump || target instanceof Target.Goto) {
        String to = target instanceof Target.Jump j ? j.chain() : ((Target.Goto) target).chain();
        Optional<ChainIndex> next = current.target(index, to, rules);
        boolean loops = ++transfers > MAX_TRANSFERS || callers.size() >= MAX_CALL_DEPTH
            || current.chain().name().equals(to) || calledFrom(callers, to);
        if (next.isEmpty() || loops) {
          // iptables-restore refuses both; if a dump shows one anyway, do not guess.
          target = new Target.Unknown(target instanceof Target.Jump ? "jump" : "goto", rule.text());
        } else {
          if (target instanceof Target.Jump) {
            callers.push(new Frame(current, candidates, at));
          }
          current = next.get();
          candidates = candidatesOf(current);
          at = 0;
          continue;
        }
      }
      switch (target) {
        case Target.Accept a -> {
          return new TableOutcome(true, Optional.of(rule), () -> rule.citation() + " ACCEPT");
        }
        case Target.Drop d -> {
          return new TableOutcome(false, Optional.of(rule), () -> rule.citation() + " DROP");
        }
        case Target.Reject r -> {
          return new TableOutcome(false, Optional.of(rule), () -> rule.citation() + " REJECT");
        }
        case Target.Return r -> {
          if (callers.isEmpty()) {
            return policy(start.get().chain());
          }
          Frame back = callers.pop();
          current = back.chain();
          candidates = back.candidates();
          at = back.next();
        }
        case Target.Dnat d -> {
          Optional<IPAddress> to = d.first().map(IPAddress::withoutPrefixLength);
          if (d.last().isPresent() && !d.last().get().withoutPrefixLength().equals(to.orElse(null))) {
            // An address range: nf_nat's find_best_ips_proto picks a member by a hash of the
            // source and destination. The first and the last stand for it, the rule named as uncertain.
            uncertain.add(rule);
            if (choose(2) == 1) {
              to = d.last().map(IPAddress::withoutPrefixLength);
            }
          }
          natBound = true;
          applyDnat(rule, to, d.ports());
          return new TableOutcome(true, Optional.of(rule), () -> rule.citation() + " DNAT");
        }
        case Target.Redirect r -> {
          Optional<IPAddress> primary = net.primaryAddress(packet.inInterface(), packet.family());
          if (primary.isEmpty()) {
            return new TableOutcome(false, Optional.of(rule), () -> rule.citation() + " REDIRECT, but "
                + packet.inInterface() + " has no " + packet.family().label() + " address");
          }
          natBound = true;
          applyDnat(rule, primary, r.ports());
          return new TableOutcome(true, Optional.of(rule), () -> rule.citation() + " REDIRECT");
        }
        case Target.Netmap n -> {
          natBound = true;
          if (hook.equals("PREROUTING") && n.to().isIPv4() == destination.isIPv4()) {
            applyDnat(rule, Optional.of(netmapped(destination, n.to())), Optional.empty());
          }
          // In POSTROUTING and INPUT it maps the source: after the verdict, like SNAT.
          return new TableOutcome(true, Optional.of(rule), () -> rule.citation() + " NETMAP");
        }
        case Target.SourceNat s -> {
          natBound = true;
          snatted(s);
          return new TableOutcome(true, Optional.of(rule), () -> rule.citation() + " " + s.name());
        }
        case Target.SetMark m -> setMark(m);
        case Target.Continue c -> {
          notrack(c);
          markChanged(c);
        }
        case Target.Unknown u -> {
          Optional<TableOutcome> ended = unknownTarget(rule, u);
          if (ended.isPresent()) {
            return ended.get();
          }
        }
        case Target.Jump j -> throw new AssertionError("handled above");
        case Target.Goto g -> throw new AssertionError("handled above");
      }
    }
  }

  /** What an nft statement before the verdict does; an unknown one may end the chain. */
  private Optional<TableOutcome> effect(Rule rule, Target effect) {
    switch (effect) {
      case Target.SetMark m -> setMark(m);
      case Target.Continue c -> notrack(c);
      case Target.Unknown u -> {
        return unknownTarget(rule, u);
      }
      default -> throw new IllegalStateException("not a statement before a verdict: " + effect);
    }
    return Optional.empty();
  }

  /**
   * NOTRACK, {@code CT --notrack} and nft's {@code notrack}: only before conntrack has seen the
   * packet (iptables allows them in raw alone; nft_notrack_eval does nothing once a conntrack is attached).
   */
  private void notrack(Target.Continue c) {
    if (!pastConntrack && (c.name().equals("NOTRACK") || (c.name().equals("CT") && c.text().contains("--notrack")))) {
      untracked = true;
    }
  }

  /** An unknown target lets the packet go on, accepts it, or drops it: three branches. */
  private Optional<TableOutcome> unknownTarget(Rule rule, Target.Unknown u) {
    uncertain.add(rule);
    int choice = choose(3);
    if (choice == TARGET_ACCEPT) {
      return Optional.of(new TableOutcome(true, Optional.of(rule),
          () -> rule.citation() + " " + u.name() + " (unknown target, taken as accepting)"));
    } else if (choice != TARGET_CONTINUE) {
      return Optional.of(new TableOutcome(false, Optional.of(rule),
          () -> rule.citation() + " " + u.name() + " (unknown target, taken as dropping)"));
    }
    return Optional.empty();
  }

  private static boolean calledFrom(Deque<Frame> callers, String chain) {
    for (Frame f : callers) {
      if (f.chain().chain().name().equals(chain)) {
        return true;
      }
    }
    return false;
  }

  private int[] candidatesOf(ChainIndex chain) {
    if (reply) {
      // The answer's destination and destination port are the client's: a rule on them tells
      // sources or source ports apart, so every rule must be seen for its test to be recorded.
      return chain.every();
    }
    return chain.candidates(packet.protocol().number(), destinationPort, packet.destinationPort(), destination);
  }

  /** The hook as a trace names it: the answer's steps say they are the answer's. */
  private String hookLabel() {
    return reply ? "answer " + hook : hook;
  }

  private TableOutcome policy(Chain builtin) {
    Chain.Policy policy = builtin.policy().orElse(Chain.Policy.ACCEPT);
    String table = builtin.tableLabel();
    if (recording && !(afterVerdict && policy == Chain.Policy.ACCEPT)) {
      steps.add(new TraceStep.PolicyApplied(hookLabel(), table, builtin.name(), policy));
    }
    return new TableOutcome(policy == Chain.Policy.ACCEPT, Optional.empty(),
        () -> table + "/" + builtin.name() + " policy " + policy);
  }

  private void applyDnat(Rule rule, Optional<IPAddress> address, Optional<PortRange> ports) {
    IPAddress fromAddress = destination;
    int fromPort = destinationPort;
    destination = address.orElse(destination);
    if (NatPortMapping.random(ports, rule.text())) {
      // --random: any port of the range. Three representatives (the kept port, the first, the last),
      // the rule named as uncertain; a verdict that depends on a port in between is not seen.
      uncertain.add(rule);
      int choice = choose(3);
      destinationPort = choice == 0 ? NatPortMapping.translate(destinationPort, ports, rules.natBase(rule))
          : choice == 1 ? ports.get().first() : ports.get().last();
    } else {
      destinationPort = NatPortMapping.translate(destinationPort, ports, rules.natBase(rule));
    }
    // nf_nat_setup_info sets IPS_DST_NAT only when the tuple changes: a DNAT to where the packet
    // already goes leaves no DNAT state, and is no translation to report (kernel oracle).
    if (!destination.equals(fromAddress) || destinationPort != fromPort) {
      dnatted = true;
      nat = Optional.of(new NatStep(rule, fromAddress, fromPort, destination, destinationPort));
    }
  }

  /**
   * The source a SNAT or MASQUERADE of the first packet gives it: where the answer is addressed
   * until conntrack undoes it. MASQUERADE takes the out device's address (masquerade_tg picks the
   * address the route to the destination would use from that device, its first for the family
   * here); a SNAT whose address cannot be read leaves the answer's destination the client's.
   */
  private void snatted(Target.SourceNat s) {
    snatted = true;
    if (s.name().equals("MASQUERADE")) {
      snatTo = net.primaryAddress(outInterface, packet.family());
      return;
    }
    List<String> to = RulesetIndex.optionValues(s.text(), Set.of("--to-source", "--to", "to"));
    if (to.isEmpty()) {
      return;
    }
    String text = to.get(0);
    String address = text.startsWith("[") ? text.substring(1, Math.max(1, text.indexOf(']')))
        : packet.family() == dev.breakwater.net.IpFamily.V4 ? text.split("[-:]")[0] : text.split("-")[0];
    IPAddress parsed = new inet.ipaddr.IPAddressString(address).getAddress();
    if (parsed != null && parsed.isIPv4() == packet.source().isIPv4()) {
      snatTo = Optional.of(parsed.withoutPrefixLength());
    }
  }

  /** netmap_tg4 / netmap_tg6: the prefix's network bits, the address's host bits. */
  static IPAddress netmapped(IPAddress address, IPAddress prefix) {
    IPAddress hostBits = address.withoutPrefixLength().mask(prefix.getHostMask());
    IPAddress networkBits = prefix.getLower().withoutPrefixLength().mask(prefix.getNetworkMask());
    return hostBits.bitwiseOr(networkBits);
  }

  private int choose(int options) {
    if (nextChoice < choices.size()) {
      return choices.get(nextChoice++);
    }
    throw new ChoiceNeeded(options);
  }

  private enum Truth {
    TRUE,
    FALSE,
    UNKNOWN
  }

  private boolean matches(Rule rule) {
    boolean unknown = false;
    boolean testsSource = false;
    boolean sourceFails = false;
    boolean othersHold = true;
    for (Match m : rule.matches()) {
      Truth t = evaluate(m);
      if (testsSource(m, reply)) {
        testsSource = true;
        sourceFails |= t == Truth.FALSE;
        unknown |= t == Truth.UNKNOWN;
      } else if (t == Truth.FALSE) {
        // Later matches are not evaluated: a source test after this one does not split anything.
        return false;
      } else if (t == Truth.UNKNOWN) {
        unknown = true;
        othersHold = false;
      }
    }
    // SNAT/MASQUERADE only rewrite the source: they tell no sources apart for the verdict.
    if (testsSource && othersHold && !(rule.target() instanceof Target.SourceNat)) {
      // Everything else holds: the source alone decides whether this rule matches.
      lastSourceTest = Optional.of(rule);
    }
    if (sourceFails) {
      return false;
    }
    if (unknown) {
      if (rule.target() instanceof Target.Continue c && !c.name().equals("NOTRACK") && !c.name().equals("CT")
          && !c.name().equals("MARK") && !c.name().equals("CONNMARK") && rule.effects().isEmpty()) {
        // LOG, a bare counter, "-m recent --set": whether it matches changes nothing for the verdict.
        return false;
      }
      uncertain.add(rule);
      return choose(2) != MATCH_NO;
    }
    return true;
  }

  /**
   * Whether {@code m} tests the client's address: its source on the first packet, its destination
   * on the answer. The original source ({@code --ctorigsrc}) is the client's either way.
   */
  private static boolean testsSource(Match m, boolean reply) {
    Match.Side client = reply ? Match.Side.DESTINATION : Match.Side.SOURCE;
    return switch (m) {
      case Match.Address a -> a.side() == client;
      case Match.OriginalAddress o -> o.side() == Match.Side.SOURCE;
      case Match.AddressTypeMatch t -> t.side() == client;
      case Match.IpSet s -> s.flags().size() == 1 && s.flags().get(0) == client;
      case Match.AnyOf a -> a.alternatives().stream().flatMap(List::stream).anyMatch(x -> testsSource(x, reply));
      default -> false;
    };
  }

  private static Truth of(boolean value) {
    return value ? Truth.TRUE : Truth.FALSE;
  }

  private Truth evaluate(Match match) {
    return switch (match) {
      case Match.Address a -> of(contains(a.prefix(), a.side() == Match.Side.SOURCE ? source() : destination) != a.negated());
      // ip_output passes skb->dev, the arrival device, as POST_ROUTING's input device: a forwarded
      // packet's (nft's iifname there; Docker 29 masquerades by it), none for one the host sent
      // (inInterface is then ""). iptables refuses -i in POSTROUTING.
      case Match.Interface i -> of(i.matchesName(i.inbound() ? inInterface : outInterface));
      case Match.Protocol p -> of((p.number() == 0 || p.number() == packet.protocol().number()) != p.negated());
      case Match.Ports p -> of(portsHit(p) != p.negated());
      case Match.ConnectionState s -> of(!java.util.Collections.disjoint(s.states(), ctStates()) != s.negated());
      // xt_conntrack: without a conntrack entry every option but --ctstate fails, negated or not.
      case Match.OriginalAddress o -> !hasConntrack() ? Truth.FALSE
          : ownEntry() ? of(contains(o.prefix(), o.side() == Match.Side.SOURCE ? replySource : packet.source()) != o.negated())
          : of(contains(o.prefix(), o.side() == Match.Side.SOURCE ? packet.source() : packet.destination()) != o.negated());
      case Match.OriginalPort o -> !hasConntrack() ? Truth.FALSE
          : ownEntry() ? of((o.side() == Match.Side.SOURCE ? o.range().contains(replySourcePort) : sourcePortIn(o.range()))
              != o.negated())
          : of(o.side() == Match.Side.SOURCE ? sourcePortIn(o.range()) != o.negated()
              : o.range().contains(packet.destinationPort()) != o.negated());
      // The answer travels in the reply direction, unless it opened an entry of its own.
      case Match.ConntrackDirection d -> of(hasConntrack() && d.original() == (!reply || ownEntry()));
      case Match.AddressTypeMatch t -> of(t.types().contains(addressType(t)) != t.negated());
      case Match.Comment c -> Truth.TRUE;
      case Match.TcpFlags f -> packet.protocol() != Transport.TCP ? Truth.FALSE : of(flagsMatch(f) != f.negated());
      case Match.IcmpType i -> Truth.FALSE;
      case Match.Fragment f -> of(f.negated());
      case Match.IpSet s -> ipSet(s);
      case Match.AnyOf a -> anyOf(a);
      case Match.Mark m -> m.kind() == Match.MarkKind.CONNECTION && !hasConntrack() ? Truth.FALSE
          : !(m.kind() == Match.MarkKind.PACKET ? packetMarkKnown : connectionMarkKnown) ? Truth.UNKNOWN
          : of(((m.kind() == Match.MarkKind.PACKET ? packetMark : connectionMark) & m.mask()) == m.value() != m.negated());
      case Match.ExtensionHeader h -> extensionHeader(h);
      case Match.Ipv4Options o -> ipv4Options(o);
      case Match.Unknown u -> unknownMatch(u);
    };
  }

  /** Some alternative whose matches all hold; unknown when none holds for sure and one might. */
  private Truth anyOf(Match.AnyOf set) {
    boolean unknown = false;
    for (List<Match> alternative : set.alternatives()) {
      Truth all = Truth.TRUE;
      for (Match m : alternative) {
        Truth t = evaluate(m);
        if (t == Truth.FALSE) {
          all = Truth.FALSE;
          break;
        }
        if (t == Truth.UNKNOWN) {
          all = Truth.UNKNOWN;
        }
      }
      if (all == Truth.TRUE) {
        return of(!set.negated());
      }
      unknown |= all == Truth.UNKNOWN;
    }
    return unknown ? Truth.UNKNOWN : of(set.negated());
  }

  /** nft_meta_set_eval / nft_ct_set_eval; a connection mark needs a connection. */
  private void setMark(Target.SetMark m) {
    long from = m.from() == Match.MarkKind.PACKET ? packetMark : connectionMark;
    boolean fromKnown = (m.from() == Match.MarkKind.PACKET ? packetMarkKnown : connectionMarkKnown)
        || (m.clear() & 0xffffffffL) == 0xffffffffL;
    long value = ((from & ~m.clear()) ^ m.xor()) & 0xffffffffL;
    if (m.kind() == Match.MarkKind.PACKET) {
      packetMark = value;
      packetMarkKnown = fromKnown;
    } else if (hasConntrack()) {
      connectionMark = value;
      connectionMarkKnown = fromKnown;
    }
  }

  /** A MARK or CONNMARK form the parser left as it was: that mark is no longer known. */
  private void markChanged(Target.Continue c) {
    if (c.name().equals("MARK")) {
      packetMarkKnown = false;
    } else if (c.name().equals("CONNMARK") && hasConntrack()) {
      connectionMarkKnown = false;
      if (c.text().contains("--restore-mark")) {
        packetMarkKnown = false;
      }
    }
  }

  private java.math.BigInteger sourceValue;

  private java.math.BigInteger sourceValue() {
    if (sourceValue == null) {
      sourceValue = packet.source().getValue();
    }
    return sourceValue;
  }

  /** The source of the packet walked: the client's, or on the answer the container's or host's. */
  private IPAddress source() {
    return reply ? replySource : packet.source();
  }

  private boolean hasConntrack() {
    return conntrackSeen && !untracked && !(reply && replyEntry == ReplyEntry.NONE);
  }

  private boolean ownEntry() {
    return reply && replyEntry == ReplyEntry.OWN;
  }

  private Set<CtState> ctStates() {
    if (untracked) {
      return UNTRACKED_STATE;
    }
    if (!conntrackSeen || reply && replyEntry == ReplyEntry.NONE) {
      return INVALID_STATE;
    }
    if (reply) {
      if (ownEntry()) {
        return NEW_STATE;
      }
      // The NAT states are the entry's (IPS_DST_NAT, IPS_SRC_NAT): the answer has them too.
      if (!dnatted && !snatted) {
        return ESTABLISHED_STATE;
      }
      Set<CtState> states = EnumSet.of(CtState.ESTABLISHED);
      if (dnatted) {
        states.add(CtState.DNAT);
      }
      if (snatted) {
        states.add(CtState.SNAT);
      }
      return states;
    }
    return dnatted ? NEW_DNAT_STATE : NEW_STATE;
  }

  /** Tests a prefix against an address; a prefix about the source splits the source space. */
  private boolean contains(IPAddress prefix, IPAddress address) {
    if (prefix.isIPv4() != address.isIPv4()) {
      return false;
    }
    if (address == packet.source()) {
      Span span = rules.span(prefix);
      sourceDependencies.add(span);
      return span.contains(sourceValue());
    }
    return HostNetwork.block(prefix).contains(address);
  }

  private boolean portsHit(Match.Ports p) {
    if (reply) {
      // The answer's source port is the listener's; its destination port the client's, the sender's choice.
      return switch (p.field()) {
        case SOURCE -> anyContains(p.ranges(), replySourcePort);
        case DESTINATION -> sourcePortIn(p.ranges());
        case EITHER -> anyContains(p.ranges(), replySourcePort) || sourcePortIn(p.ranges());
      };
    }
    return switch (p.field()) {
      case SOURCE -> sourcePortIn(p.ranges());
      case DESTINATION -> anyContains(p.ranges(), destinationPort);
      case EITHER -> sourcePortIn(p.ranges()) || anyContains(p.ranges(), destinationPort);
    };
  }

  /** Tests the source port, which the attacker chooses: the ranges cut the port space. */
  private boolean sourcePortIn(List<PortRange> ranges) {
    sourcePortTests.addAll(ranges);
    return anyContains(ranges, packet.sourcePort());
  }

  private boolean sourcePortIn(PortRange range) {
    sourcePortTests.add(range);
    return range.contains(packet.sourcePort());
  }

  private static boolean anyContains(List<PortRange> ranges, int port) {
    for (PortRange r : ranges) {
      if (r.contains(port)) {
        return true;
      }
    }
    return false;
  }

  private Match.AddressType addressType(Match.AddressTypeMatch t) {
    Optional<String> limit = switch (t.limit()) {
      case NONE -> Optional.empty();
      case IN -> Optional.of(inInterface);
      case OUT -> Optional.of(outInterface);
    };
    IPAddress address = t.side() == Match.Side.SOURCE ? source() : destination;
    if (address == packet.source()) {
      sourceDependencies.addAll(net.addressTypeBoundaries(packet.family()));
    }
    return net.addressType(address, limit);
  }

  /**
   * xt_tcpudp's tcp_mt: {@code (byte 13 & mask) == comp}. The tested bits are the attacker's
   * concern: first packets that differ only outside every tested mask walk the same way.
   */
  private boolean flagsMatch(Match.TcpFlags f) {
    int mask = TcpFlagBits.bits(f.mask());
    if (reply) {
      // The listener's SYN-ACK: its flags are the host's, not the sender's (ECN's echo aside).
      return (TcpFlagBits.SYN_ACK & mask) == TcpFlagBits.bits(f.set());
    }
    flagsTested |= mask;
    return (packet.tcpFlags() & mask) == TcpFlagBits.bits(f.set());
  }

  /**
   * The sender's headers against an extension-header match; the kinds it tests matter. ip6t_rt,
   * ip6t_frag, ip6t_hbh (hbh and dst) and ip6t_ah return false when {@code ipv6_find_hdr} finds no
   * such header, before any option test: {@code !} inverts the options (IP6T_RT_INV_TYP and
   * friends), never the presence. ipv6header_mt6 compares the mask of headers found, with the
   * upper-layer bit set for a TCP, UDP or SCTP packet. xt_esp reads the transport header of an
   * ESP packet only (its rule needs {@code -p esp}); AH and ESP are never present (ExtensionHeaders).
   */
  private Truth extensionHeader(Match.ExtensionHeader h) {
    if (reply) {
      // The listener's answer carries no extension header; the upper-layer bit is set (TCP, UDP).
      Set<Match.HeaderKind> found = EnumSet.of(Match.HeaderKind.UPPER_LAYER);
      return switch (h.test()) {
        case FIELDS -> Truth.FALSE;
        case ALL_PRESENT -> of(found.containsAll(h.kinds()));
        case NONE_PRESENT -> of(java.util.Collections.disjoint(found, h.kinds()));
        case EXACTLY -> of(found.equals(h.kinds()));
        case NOT_EXACTLY -> of(!found.equals(h.kinds()));
      };
    }
    ExtensionHeaders headers = packet.headers();
    // Hard mode compares the whole set of headers found: every header the sender may add matters.
    boolean whole = h.test() == Match.HeaderTest.EXACTLY || h.test() == Match.HeaderTest.NOT_EXACTLY;
    for (Match.HeaderKind kind : whole ? ExtensionHeaders.CHOOSABLE : h.kinds()) {
      if (ExtensionHeaders.CHOOSABLE.contains(kind)) {
        headerTests.add(ExtensionHeaders.key(kind, h.test() == Match.HeaderTest.FIELDS ? h.text() : ""));
      }
    }
    Set<Match.HeaderKind> found = EnumSet.of(Match.HeaderKind.UPPER_LAYER);
    found.addAll(headers.present());
    return switch (h.test()) {
      case FIELDS -> of(headers.satisfies(h.kinds().iterator().next(), h.text()));
      case ALL_PRESENT -> of(found.containsAll(h.kinds()));
      case NONE_PRESENT -> of(java.util.Collections.disjoint(found, h.kinds()));
      case EXACTLY -> of(found.equals(h.kinds()));
      case NOT_EXACTLY -> of(!found.equals(h.kinds()));
    };
  }

  /**
   * xt_recent: {@code --rcheck}, {@code --update} and {@code --remove} look the source up in a list
   * that {@code --set} rules fill as packets pass (and root writes through /proc/net/xt_recent):
   * whether this sender is on it is the host's run-time state, which no snapshot holds.
   * {@code --set} itself adds or refreshes the source and matches on both paths of recent_mt
   * (net/netfilter/xt_recent.c: {@code ret = !ret} whether the entry was new or found), so it
   * matches every packet and {@code ! --set} none: nothing there is run-time state. (Its one other
   * exit, a hot drop when the kernel cannot allocate an entry, is memory pressure, not a rule.)
   */
  private Truth unknownMatch(Match.Unknown u) {
    if (u.module().equals("recent")) {
      List<String> words = List.of(u.text().trim().split("\\s+"));
      int set = words.indexOf("--set");
      if (set >= 0) {
        return of(set == 0 || !words.get(set - 1).equals("!"));
      }
      runTimeState.add("the recent list " + recentList(u.text()) + " is filled at run time, so whether this sender is"
          + " on it cannot be known");
    }
    if (u.module().equals("set") && (u.text().contains("--packets-") || u.text().contains("--bytes-"))) {
      // ip_set_match_extensions: the entry's counters, which count the packets it has matched.
      runTimeState.add("a set entry's packet and byte counters (" + u.text().trim() + ") count the packets it has"
          + " matched, so what they hold for the next packet cannot be known");
    }
    return Truth.UNKNOWN;
  }

  /** xt_recent's {@code --name}; a rule without one uses the list DEFAULT. */
  private static String recentList(String options) {
    return RulesetIndex.optionValues(options, Set.of("--name")).stream().findFirst().orElse("DEFAULT");
  }

  /** xt_ipv4options' ipv4options_mt on the options the sender put in ({@link ExtensionHeaders}). */
  private Truth ipv4Options(Match.Ipv4Options o) {
    if (!packet.source().isIPv4()) {
      return Truth.FALSE;
    }
    if (reply) {
      // Taken as carrying no options (tcp_v4_save_options would echo record-route and the like).
      int none = o.invert() & o.map();
      return of(o.any() ? none != 0 : none == o.map());
    }
    if (o.map() != 0) {
      headerTests.add(ExtensionHeaders.ipv4Key(o));
    }
    int opts = (packet.headers().ipv4Options() ^ o.invert()) & o.map();
    return of(o.any() ? opts != 0 : opts == o.map());
  }

  private Truth ipSet(Match.IpSet s) {
    Optional<Rule> writer = rules.setWriter(s.setName());
    if (writer.isPresent()) {
      // Its snapshot contents are one moment's: the writer adds or deletes members as packets pass.
      runTimeState.add("the set " + s.setName() + " is filled at run time by " + writer.get().citation()
          + " (" + writer.get().text() + "), so its snapshot contents say nothing about the next packet");
      return Truth.UNKNOWN;
    }
    if (s.members().isEmpty() || s.flags().size() != 1) {
      return Truth.UNKNOWN;
    }
    IPAddress address = s.flags().get(0) == Match.Side.SOURCE ? source() : destination;
    if (address == packet.source()) {
      MemberSpans members = rules.members(s.members().get(), packet.family());
      sourceDependencies.add(members.regionAround(sourceValue()));
      return of(members.contains(sourceValue()) != s.negated());
    }
    boolean hit = false;
    for (IPAddress member : s.members().get()) {
      hit |= contains(member, address);
    }
    return of(hit != s.negated());
  }

}
