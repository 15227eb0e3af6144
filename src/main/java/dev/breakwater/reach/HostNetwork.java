package dev.breakwater.reach;

import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerNetwork;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.host.Route;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Match.AddressType;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host's addressing as the kernel sees it for one packet: which addresses are its own, what
 * the routing decision is, what type {@code -m addrtype} gives an address. Pure lookups over
 * {@link HostFacts}.
 */
final class HostNetwork {
  private static final IPAddress V4_MULTICAST = new IPAddressString("224.0.0.0/4").getAddress();
  private static final IPAddress V6_MULTICAST = new IPAddressString("ff00::/8").getAddress();
  private static final IPAddress V4_ZERONET = new IPAddressString("0.0.0.0/8").getAddress();
  private static final IPAddress V4_LIMITED_BROADCAST = new IPAddressString("255.255.255.255").getAddress();
  private static final IPAddress V4_LOOPBACK = new IPAddressString("127.0.0.0/8").getAddress();
  private static final IPAddress V6_LOOPBACK = new IPAddressString("::1").getAddress();

  private final List<NetworkInterface> interfaces;
  /** host address (no prefix) -> interface that has it */
  private final Map<IPAddress, String> hostAddresses = new LinkedHashMap<>();
  /** subnet broadcast address -> interface */
  private final Map<IPAddress, String> broadcasts = new HashMap<>();
  /** The main table's routes, longest prefix first. */
  private final List<Route> routes;
  /** The local table's {@code local} routes beyond the host's addresses (AnyIP: {@code ip route add local PREFIX dev lo}). */
  private final List<Route> localRoutes;
  private final Map<IpFamily, Map<String, List<Route>>> otherTables;
  /** Whether the snapshot's route dump names tables ({@code show table all}): then a table not in it is empty. */
  private final java.util.Set<IpFamily> tablesCaptured = java.util.EnumSet.noneOf(IpFamily.class);
  private final PolicyRouting policy;
  private final Map<IPAddress, String> containerNames = new HashMap<>();

  /** Where Docker's DNAT sends a published port: what an unseen nat table is taken to do. */
  record PublishedDnat(IPAddress hostIp, int hostPort, Transport protocol, IPAddress to, int toPort) {}

  private final List<PublishedDnat> dnats = new ArrayList<>();
  private final List<Route> localRoutes6;
  private final ReversePathFilter reversePath;
  private final Forwarding forwarding;
  private final RouteLocalnet routeLocalnet;
  /** {@code net.ipv4.conf.*.src_valid_mark} and {@code accept_local}; empty maps when the snapshot lacks them. */
  private final Map<String, Integer> srcValidMark;
  private final Map<String, Integer> acceptLocal;

  HostNetwork(HostFacts facts) {
    this.interfaces = facts.interfaces();
    Optional<dev.breakwater.hostconf.SysctlValues> sysctl = facts.setup().hostConfig().sysctl();
    this.reversePath = ReversePathFilter.of(sysctl);
    this.forwarding = Forwarding.of(sysctl);
    this.routeLocalnet = RouteLocalnet.of(sysctl);
    this.srcValidMark = sysctl.map(v -> DeviceSysctl.values(v, "net.ipv4.conf", "src_valid_mark")).orElse(Map.of());
    this.acceptLocal = sysctl.map(v -> DeviceSysctl.values(v, "net.ipv4.conf", "accept_local")).orElse(Map.of());
    for (Container c : facts.containers()) {
      if (c.hostNetwork()) {
        continue;
      }
      for (PublishedPort p : c.ports()) {
        p.containerIp().ifPresent(ip -> dnats.add(new PublishedDnat(p.hostIp().withoutPrefixLength(), p.hostPort(),
            p.protocol(), ip.withoutPrefixLength(), p.containerPort())));
      }
    }
    for (NetworkInterface nic : facts.interfaces()) {
      for (IPAddress a : nic.addresses()) {
        hostAddresses.putIfAbsent(a.withoutPrefixLength(), nic.name());
        Integer len = a.getNetworkPrefixLength();
        if (a.isIPv4() && len != null && len <= 30) {
          broadcasts.putIfAbsent(a.toPrefixBlock().getUpper().withoutPrefixLength(), nic.name());
        }
      }
    }
    List<Route> sorted = new ArrayList<>(facts.routes().stream().filter(Route::inMain).toList());
    // Longest prefix first; the stable sort keeps the dump's order among equals.
    sorted.sort(Comparator.comparingInt((Route r) -> prefixLength(r.destination())).reversed());
    this.routes = List.copyOf(sorted);
    this.otherTables = PolicyRouting.otherTables(facts.routes());
    otherTables.forEach((family, tables) -> tablesCaptured.add(family));
    this.localRoutes = localTypeRoutes(IpFamily.V4);
    this.localRoutes6 = localTypeRoutes(IpFamily.V6);
    this.policy = new PolicyRouting(facts.routingRules());
    for (Container c : facts.containers()) {
      for (ContainerNetwork n : c.networks()) {
        n.ipv4().ifPresent(a -> containerNames.putIfAbsent(a.withoutPrefixLength(), c.name()));
        n.ipv6().ifPresent(a -> containerNames.putIfAbsent(a.withoutPrefixLength(), c.name()));
      }
    }
  }

  /**
   * Docker's DNAT rules for a packet to {@code destination:port}: {@code -A DOCKER -d HOSTIP -p
   * PROTO --dport PORT -j DNAT --to CONTAINER:PORT}, reached from PREROUTING for destinations of
   * type LOCAL ({@code -m addrtype --dst-type LOCAL -j DOCKER}); a wildcard binding takes every
   * local address of its family.
   */
  List<PublishedDnat> publishedDnats(IPAddress destination, int port, Transport protocol) {
    List<PublishedDnat> out = new ArrayList<>();
    for (PublishedDnat d : dnats) {
      boolean address = d.hostIp().isAnyLocal()
          ? d.hostIp().isIPv4() == destination.isIPv4() && isLocal(destination)
          : d.hostIp().equals(destination);
      if (address && d.hostPort() == port && d.protocol() == protocol && d.to().isIPv4() == destination.isIPv4()) {
        out.add(d);
      }
    }
    return out;
  }

  static int prefixLength(IPAddress a) {
    Integer len = a.getNetworkPrefixLength();
    return len == null ? a.getBitCount() : len;
  }

  List<NetworkInterface> interfaces() {
    return interfaces;
  }

  /** Every address of the family the host owns, in interface order. */
  List<IPAddress> hostAddresses(IpFamily family) {
    return hostAddresses.keySet().stream().filter(a -> IpFamily.of(a) == family).toList();
  }

  Optional<String> interfaceOwning(IPAddress address) {
    return Optional.ofNullable(hostAddresses.get(address));
  }

  /** Every container address of the family Docker's inspect data names. */
  List<IPAddress> containerAddresses(IpFamily family) {
    return containerNames.keySet().stream().filter(a -> IpFamily.of(a) == family)
        .sorted(Comparator.comparing(IPAddress::getValue)).toList();
  }

  Optional<String> containerAt(IPAddress address) {
    return Optional.ofNullable(containerNames.get(address));
  }

  /** The first address of the family on an interface: where REDIRECT sends a packet. */
  Optional<IPAddress> primaryAddress(String interfaceName, IpFamily family) {
    return interfaces.stream()
        .filter(n -> n.name().equals(interfaceName))
        .flatMap(n -> n.addresses().stream())
        .filter(a -> IpFamily.of(a) == family)
        .map(IPAddress::withoutPrefixLength)
        .findFirst();
  }

  /** The first connected prefix of the family on an interface ({@code 198.51.100.0/24}). */
  Optional<IPAddress> linkPrefix(String interfaceName, IpFamily family) {
    return interfaces.stream()
        .filter(n -> n.name().equals(interfaceName))
        .flatMap(n -> n.addresses().stream())
        .filter(a -> IpFamily.of(a) == family && a.getNetworkPrefixLength() != null
            && a.getNetworkPrefixLength() < a.getBitCount() && !a.isLinkLocal())
        .map(IPAddress::toPrefixBlock)
        .findFirst();
  }

  /** Some address on the interface's link that is not the host's own: a neighbour. */
  Optional<IPAddress> neighbourOn(String interfaceName, IpFamily family) {
    return linkPrefix(interfaceName, family).flatMap(prefix -> {
      IPAddress candidate = prefix.getLower().withoutPrefixLength().increment(1);
      for (int i = 0; i < 4 && candidate != null && prefix.contains(candidate); i++) {
        if (!hostAddresses.containsKey(candidate)) {
          return Optional.of(candidate);
        }
        candidate = candidate.increment(1);
      }
      return Optional.empty();
    });
  }

  static boolean isLoopback(IPAddress a) {
    return a.isIPv4() ? V4_LOOPBACK.contains(a) : a.equals(V6_LOOPBACK);
  }

  boolean isLocal(IPAddress a) {
    return hostAddresses.containsKey(a) || isLoopback(a) || longestRoute(a).map(r -> r.type().equals("local")).orElse(false)
        || localTableRoute(a).isPresent();
  }

  /** The local table's routes of type {@code local}, from {@link #otherTables}. */
  private List<Route> localTypeRoutes(IpFamily family) {
    return otherTables.getOrDefault(family, Map.of()).getOrDefault("local", List.of()).stream()
        .filter(r -> r.type().equals("local")).toList();
  }

  private Optional<Route> localTableRoute(IPAddress a) {
    for (Route r : a.isIPv4() ? localRoutes : localRoutes6) {
      if (block(r.destination()).contains(a)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private final Map<IPAddress, Map<String, RouteDecision>> routeCache = new HashMap<>();

  /** The kernel's routing decision for a packet that arrived on {@code inInterface}, with the default rules. */
  RouteDecision route(IPAddress destination, String inInterface) {
    return routeCache.computeIfAbsent(destination, d -> new HashMap<>())
        .computeIfAbsent(inInterface, in -> decideRoute(destination, in));
  }

  /**
   * What the routing decision reads of the packet besides its destination, and asks of the walk:
   * only policy routing ({@link PolicyRouting}) needs it.
   */
  interface RouteQuery extends PolicyRouting.Query {
    IPAddress source();

    int protocol();

    int sourcePort();

    int destinationPort();

    /** skb->mark at the routing decision; empty when a rule changed it in a way not modelled. */
    java.util.OptionalLong mark();

    /**
     * Whether this is the answer's routing decision: then the destination port (the client's)
     * is the sender's choice, not the source port.
     */
    default boolean answer() {
      return false;
    }
  }

  /** Whether the routing decision depends on more than the destination and the arrival device: rules of {@code ip rule}. */
  boolean routesByRules(IpFamily family) {
    return policy.custom(family);
  }

  /**
   * The kernel's routing decision for the packet {@code query} describes, sent to {@code
   * destination} (after PREROUTING's DNAT), arriving on {@code inInterface}: ip_route_input_slow
   * (net/ipv4/route.c) and ip6_route_input (net/ipv6/route.c), through the rules when there are
   * more than the defaults.
   */
  RouteDecision route(IPAddress destination, String inInterface, RouteQuery query) {
    IpFamily family = IpFamily.of(destination);
    if (!policy.custom(family)) {
      return route(destination, inInterface);
    }
    Optional<RouteDecision> martian = martianDestination(destination, inInterface);
    if (martian.isPresent()) {
      return martian.get();
    }
    // ip_route_input_slow: flowi4_iif = the arrival device, flowi4_oif = 0, flowi4_mark =
    // skb->mark, flowi4_uid = sock_net_uid(net, NULL) (uid 0); ip6_route_input the same. A host
    // socket's answer takes the output route instead (inet_csk_route_req for a SYN-ACK):
    // flowi4_iif loopback, the socket's mark (taken as 0: a listener's SO_MARK is not in the
    // snapshot) and the socket's uid, which the snapshot does not have either: a uidrange rule on
    // it is a choice.
    boolean socketAnswer = query.answer() && inInterface.equals("lo");
    PolicyRouting.Flow flow = new PolicyRouting.Flow(query.source(), destination, inInterface, query.protocol(),
        query.sourcePort(), query.destinationPort(), !query.answer(), query.mark(),
        socketAnswer ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(0));
    PolicyRouting.Outcome outcome = policy.decide(flow, query, tables);
    return switch (outcome) {
      case PolicyRouting.RuleDrops d -> new RouteDecision.Dropped("rule " + d.rule().describe() + " (" + d.rule().source() + ")");
      case PolicyRouting.NoRoute n -> new RouteDecision.Dropped("no route to " + destination + " in the tables the rules ("
          + policy.rules(family).getFirst().source() + ") look up");
      case PolicyRouting.Routed r -> {
        String why = r.route().why() + ", by rule " + r.rule().describe();
        yield switch (r.route().type()) {
          case "local" -> new RouteDecision.Local(why);
          case "", "unicast" -> forward(destination, inInterface, r.route().device(), why);
          default -> new RouteDecision.Dropped(why + ": of type " + r.route().type());
        };
      }
    };
  }

  /** The tables as the rules look them up: local and main as the engine has always read them, the others from the dump. */
  private final PolicyRouting.Tables tables = new PolicyRouting.Tables() {
    @Override
    public Optional<PolicyRouting.Found> lookup(String table, IPAddress destination) {
      int bits = destination.getBitCount();
      switch (table) {
        case "local" -> {
          String owner = hostAddresses.get(destination);
          if (owner != null) {
            return Optional.of(new PolicyRouting.Found("local", owner, bits, destination + " is a host address"));
          }
          if (isLoopback(destination)) {
            return Optional.of(new PolicyRouting.Found("local", "lo", destination.isIPv4() ? 8 : 128,
                destination + " is a loopback address"));
          }
          Optional<Route> local = localTableRoute(destination);
          if (local.isPresent()) {
            Route r = local.get();
            return Optional.of(new PolicyRouting.Found("local", r.device(), prefixLength(r.destination()),
                "local route " + r.destination()));
          }
          // Before custom rules the kernel keeps local and main in one trie (fib_unmerge): main's local routes count.
          return longestRoute(destination).filter(r -> r.type().equals("local"))
              .map(r -> new PolicyRouting.Found("local", r.device(), prefixLength(r.destination()), "local route " + r.destination()));
        }
        case Route.MAIN -> {
          Optional<Route> r = longestRoute(destination);
          if (r.isPresent()) {
            return Optional.of(found(r.get(), "route " + r.get().destination() + (r.get().device().isEmpty() ? "" : " dev " + r.get().device())));
          }
          return connected(destination).map(c -> new PolicyRouting.Found("unicast", c.device(), c.prefixLength(),
              "connected prefix on " + c.device()));
        }
        default -> {
          for (Route r : otherTables.getOrDefault(IpFamily.of(destination), Map.of()).getOrDefault(table, List.of())) {
            if (block(r.destination()).contains(destination)) {
              return Optional.of(found(r, "table " + table + ": route " + r.destination()
                  + (r.device().isEmpty() ? "" : " dev " + r.device())));
            }
          }
          return Optional.empty();
        }
      }
    }

    private PolicyRouting.Found found(Route r, String why) {
      return new PolicyRouting.Found(r.type().isEmpty() ? "unicast" : r.type(), r.device(), prefixLength(r.destination()), why);
    }

    @Override
    public boolean has(String table, IpFamily family) {
      return table.equals(Route.MAIN) || table.equals("local") || tablesCaptured.contains(family);
    }

    @Override
    public List<String> devices() {
      return interfaces.stream().map(NetworkInterface::name).toList();
    }
  };

  /**
   * ip_route_input_slow's and ip6_rcv_core's checks of a loopback destination, before any table:
   * from a device other than lo, 127.0.0.0/8 is a martian unless route_localnet is on there (then
   * it is routed), and ::1 always is (ip6_rcv_core, whatever the sysctls).
   */
  private Optional<RouteDecision> martianDestination(IPAddress destination, String inInterface) {
    boolean fromLoopback = inInterface.equals("lo");
    if (destination.isIPv4() && isLoopback(destination) && !fromLoopback) {
      if (!routeLocalnet.on(inInterface)) {
        return Optional.of(new RouteDecision.Dropped("martian destination " + destination + " arriving on " + inInterface
            + " (" + routeLocalnet.setting(inInterface) + ")"));
      }
      return Optional.empty();
    }
    if (isLoopback(destination) && !fromLoopback) {
      return Optional.of(new RouteDecision.Dropped("martian destination " + destination + " arriving on " + inInterface));
    }
    return Optional.empty();
  }

  private RouteDecision decideRoute(IPAddress destination, String inInterface) {
    Optional<RouteDecision> martian = martianDestination(destination, inInterface);
    if (martian.isPresent()) {
      return martian.get();
    }
    if (destination.isIPv4() && isLoopback(destination) && !inInterface.equals("lo")) {
      // Routed by route_localnet (martianDestination let it through): 127.0.0.0/8 is local.
      return new RouteDecision.Local(destination + " is a loopback address, routed as " + routeLocalnet.setting(inInterface));
    }
    if (isLocal(destination)) {
      return new RouteDecision.Local(destination + " is a host address");
    }
    Optional<Route> route = longestRoute(destination);
    if (route.isPresent()) {
      Route r = route.get();
      return switch (r.type()) {
        case "", "unicast" -> forward(destination, inInterface, r.device(), "route " + r.destination() + " dev " + r.device());
        default -> new RouteDecision.Dropped("route " + r.destination() + " is of type " + r.type());
      };
    }
    Optional<String> connected = connectedInterface(destination);
    return connected
        .map(dev -> forward(destination, inInterface, dev, "connected prefix on " + dev))
        .orElseGet(() -> new RouteDecision.Dropped("no route to " + destination));
  }

  /** Forwarded out of {@code out}, unless the arrival device does not forward ({@link Forwarding}). */
  RouteDecision forward(IPAddress destination, String inInterface, String out, String why) {
    Optional<String> refused = forwarding.refuses(IpFamily.of(destination), inInterface);
    return refused.<RouteDecision>map(r -> new RouteDecision.Dropped("not forwarded to " + destination + ": " + r))
        .orElseGet(() -> new RouteDecision.Forward(out, why));
  }

  /**
   * Why the answer to a packet from {@code source}, delivered locally to the loopback address
   * {@code destination} after arriving on {@code inInterface}, cannot leave ({@link
   * RouteLocalnet}: a loopback source leaves only by a device with route_localnet), or empty.
   */
  Optional<String> loopbackReplyDrop(IPAddress source, IPAddress destination, String inInterface) {
    if (!destination.isIPv4() || !isLoopback(destination) || inInterface.equals("lo")) {
      return Optional.empty();
    }
    return deviceTowards(source).filter(out -> !out.equals("lo") && !routeLocalnet.on(out))
        .map(out -> "the answer from " + destination + " to " + source + " would leave by " + out + ", which refuses a"
            + " loopback source (" + routeLocalnet.setting(out) + ", __mkroute_output)");
  }

  /**
   * {@link #loopbackReplyDrop(IPAddress, IPAddress, String)}, with the answer's output route
   * through the rules when there are more than the defaults: flowi4_iif loopback, saddr the
   * loopback address, daddr the sender; the answering socket's mark is taken as 0, as for every
   * host socket's answer ({@link #route(IPAddress, String, RouteQuery)}), and its uid is not in
   * the snapshot, so a rule that tests it is a choice.
   */
  Optional<String> loopbackReplyDrop(IPAddress source, IPAddress destination, String inInterface, RouteQuery query) {
    if (!policy.custom(IpFamily.of(source))) {
      return loopbackReplyDrop(source, destination, inInterface);
    }
    if (!destination.isIPv4() || !isLoopback(destination) || inInterface.equals("lo")) {
      return Optional.empty();
    }
    PolicyRouting.Flow answer = new PolicyRouting.Flow(destination, source, "lo", query.protocol(), query.destinationPort(),
        query.sourcePort(), false, java.util.OptionalLong.of(0), java.util.OptionalLong.empty());
    if (!(policy.decide(answer, query, tables) instanceof PolicyRouting.Routed r) || r.route().device().isEmpty()) {
      return Optional.empty();
    }
    String out = r.route().device();
    return out.equals("lo") || routeLocalnet.on(out) ? Optional.empty()
        : Optional.of("the answer from " + destination + " to " + source + " would leave by " + out + " (by rule "
            + r.rule().describe() + "), which refuses a loopback source (" + routeLocalnet.setting(out) + ", __mkroute_output)");
  }

  /** Whether {@link #loopbackReplyDrop} depends on the source: a loopback destination from outside, accepted. */
  boolean checksLoopbackReply(IPAddress destination, String inInterface) {
    return destination.isIPv4() && isLoopback(destination) && !inInterface.equals("lo") && routeLocalnet.on(inInterface);
  }

  /** Whether the kernel routes 127.0.0.0/8 arriving on {@code inInterface} (route_localnet): where an unseen DNAT may send it. */
  boolean routesLoopback(String inInterface) {
    return routeLocalnet.on(inInterface);
  }

  /** {@code net.ipv4.conf.{all,eth0}.route_localnet = 1}: what decides for {@code device}. */
  String routeLocalnetSetting(String device) {
    return routeLocalnet.setting(device);
  }

  /**
   * Why reverse-path filtering drops a packet from {@code source} arriving on {@code inInterface}
   * ({@link ReversePathFilter}), or empty. IPv4 only, and only when the snapshot has the sysctl.
   */
  Optional<String> reversePathDrop(IPAddress source, String inInterface) {
    if (!source.isIPv4() || reversePath.mode(inInterface) == 0) {
      return Optional.empty();
    }
    return reversePath.drops(inInterface, deviceTowards(source), source.toString());
  }

  /**
   * Whether {@link #reversePathDrop} can drop anything arriving on {@code inInterface}. With rules
   * of its own the host always validates the source: fib_validate_source (net/ipv4/fib_frontend.c)
   * takes the full check when fib4_has_custom_rules, whatever rp_filter says.
   */
  boolean checksReversePath(IpFamily family, String inInterface) {
    return family == IpFamily.V4 && !inInterface.equals("lo") && (reversePath.mode(inInterface) != 0 || policy.custom(family));
  }

  /**
   * Why fib_validate_source drops the packet {@code query} describes, sent to {@code destination}
   * and routed as {@code route}, or empty. Without rules of its own: {@link #reversePathDrop(IPAddress, String)}.
   *
   * <p>With them, __fib_validate_source looks the route back up through the rules with the
   * reply's flow: daddr the packet's source, saddr its destination, flowi4_iif the forward
   * route's output device (FIB_RES_OIF) or loopback for local delivery, flowi4_oif 0, the mark
   * only with src_valid_mark, the ports swapped, uid 0. No route (or an error route) fails only
   * with rp_filter on (last_resort); a result that is not unicast (a local one without
   * accept_local) fails always (e_inval); a result through the arrival device passes; otherwise
   * strict mode fails, and so does any mode when the arrival device has no IPv4 address.
   */
  Optional<String> reversePathDrop(IPAddress source, IPAddress destination, RouteDecision route, String inInterface,
      RouteQuery query) {
    if (!policy.custom(IpFamily.of(source))) {
      return reversePathDrop(source, inInterface);
    }
    int mode = reversePath.mode(inInterface);
    String iif = route instanceof RouteDecision.Forward f ? f.outInterface() : "lo";
    java.util.OptionalLong mark = query.mark();
    if (mark.isPresent() && mark.getAsLong() != 0) {
      if (srcValidMark.isEmpty()) {
        mark = java.util.OptionalLong.empty();
      } else if (DeviceSysctl.effective(srcValidMark, inInterface) == 0) {
        mark = java.util.OptionalLong.of(0);
      }
    }
    PolicyRouting.Flow back = new PolicyRouting.Flow(destination, source, iif, query.protocol(), query.destinationPort(),
        query.sourcePort(), false, mark, java.util.OptionalLong.of(0));
    PolicyRouting.Outcome outcome = policy.decide(back, query, tables);
    String setting = "net.ipv4.conf.{all," + inInterface + "}.rp_filter = " + reversePath.effective(inInterface);
    if (!(outcome instanceof PolicyRouting.Routed r) || r.route().isError()) {
      return mode == 0 ? Optional.empty()
          : Optional.of("reverse-path filter (" + setting + "): no route back to " + source + " through the rules");
    }
    PolicyRouting.Found f = r.route();
    boolean local = f.type().equals("local");
    if (local) {
      if (acceptLocal.isEmpty()) {
        if (query.choose(2, "whether " + inInterface + " accepts a local source (net.ipv4.conf." + inInterface
            + ".accept_local) is not in the snapshot's sysctl.txt") == 0) {
          return Optional.of("martian source " + source + ": the route back is local (fib_validate_source)");
        }
      } else if (DeviceSysctl.effective(acceptLocal, inInterface) == 0) {
        return Optional.of("martian source " + source + ": the route back is local, and " + inInterface
            + " has accept_local = 0 (fib_validate_source)");
      }
    } else if (!f.type().equals("unicast")) {
      return Optional.of("martian source " + source + ": the route back is of type " + f.type() + " (fib_validate_source)");
    }
    if (f.device().equals(inInterface)) {
      return Optional.empty();
    }
    if (mode == 0) {
      return Optional.empty();
    }
    boolean noAddress = interfaces.stream().filter(n -> n.name().equals(inInterface))
        .flatMap(n -> n.addresses().stream()).noneMatch(IPAddress::isIPv4);
    if (mode == ReversePathFilter.STRICT || noAddress) {
      return Optional.of("reverse-path filter (" + setting + (mode == ReversePathFilter.STRICT ? ", strict" : "")
          + "): the route back to " + source + " (" + f.why() + ", by rule " + r.rule().describe() + ") leaves by "
          + (f.device().isEmpty() ? "no device" : f.device()) + ", not " + inInterface
          + (noAddress && mode != ReversePathFilter.STRICT ? ", which has no IPv4 address" : ""));
    }
    return Optional.empty();
  }

  private final Map<IpFamily, List<Span>> routeBoundaries = new java.util.EnumMap<>(IpFamily.class);

  /**
   * The source ranges within which the route back is one and the same: every route's prefix, every
   * connected one, and with rules of its own the rules' prefixes, every table's routes and the host's
   * addresses. Computed once per family: every walk asks, up to three times.
   */
  List<Span> routeBoundaries(IpFamily family) {
    return routeBoundaries.computeIfAbsent(family, this::computeRouteBoundaries);
  }

  private List<Span> computeRouteBoundaries(IpFamily family) {
    List<Span> out = new ArrayList<>();
    for (Route r : routes) {
      if (r.family() == family) {
        out.add(Span.of(r.destination()));
      }
    }
    if (policy.custom(family)) {
      // The rules' prefixes and every table's routes split the sources too.
      out.addAll(policy.boundaries(family));
      otherTables.getOrDefault(family, Map.of()).values().forEach(l -> l.forEach(r -> out.add(Span.of(r.destination()))));
      hostAddresses.keySet().stream().filter(a -> IpFamily.of(a) == family).forEach(a -> out.add(Span.of(a)));
    }
    for (NetworkInterface nic : interfaces) {
      for (IPAddress a : nic.addresses()) {
        if (IpFamily.of(a) == family && a.getNetworkPrefixLength() != null) {
          out.add(Span.of(a.toPrefixBlock()));
        }
      }
    }
    return List.copyOf(out);
  }

  private final Map<IpFamily, List<Span>> routeBackBoundaries = new java.util.EnumMap<>(IpFamily.class);

  /**
   * The source ranges within which the answer's way back (the route to the client, or local
   * delivery when the client is a host address) is one and the same: {@link #routeBoundaries}
   * and every host address. Computed once per family: every answer asks.
   */
  List<Span> routeBackBoundaries(IpFamily family) {
    return routeBackBoundaries.computeIfAbsent(family, f -> {
      List<Span> out = new ArrayList<>(routeBoundaries(f));
      hostAddresses(f).forEach(a -> out.add(Span.of(a)));
      out.add(Span.of(f == IpFamily.V4 ? V4_LOOPBACK : V6_LOOPBACK));
      return List.copyOf(out);
    });
  }

  /** The interface the route back to {@code address} uses. */
  Optional<String> deviceTowards(IPAddress address) {
    Optional<Route> r = longestRoute(address).filter(x -> !x.device().isEmpty());
    return r.map(Route::device).or(() -> connectedInterface(address));
  }

  private Optional<Route> longestRoute(IPAddress destination) {
    for (Route r : routes) {
      if (r.destination().isIPv4() == destination.isIPv4() && block(r.destination()).contains(destination)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private Optional<String> connectedInterface(IPAddress destination) {
    return connected(destination).map(Connected::device);
  }

  /** The device whose address's prefix holds {@code destination}, the longest such prefix. */
  private record Connected(String device, int prefixLength) {}

  private Optional<Connected> connected(IPAddress destination) {
    String best = null;
    int bestLen = -1;
    for (NetworkInterface nic : interfaces) {
      for (IPAddress a : nic.addresses()) {
        if (a.isIPv4() == destination.isIPv4() && a.getNetworkPrefixLength() != null
            && a.toPrefixBlock().contains(destination) && a.getNetworkPrefixLength() > bestLen) {
          best = nic.name();
          bestLen = a.getNetworkPrefixLength();
        }
      }
    }
    return best == null ? Optional.empty() : Optional.of(new Connected(best, bestLen));
  }

  static IPAddress block(IPAddress prefix) {
    return prefix.getNetworkPrefixLength() == null ? prefix : prefix.toPrefixBlock();
  }

  /**
   * The route type {@code -m addrtype} sees, as {@code __inet_dev_addr_type} computes it: with an
   * interface limit, a type found on another device reads as UNICAST.
   */
  AddressType addressType(IPAddress a, Optional<String> limitDevice) {
    if (a.isIPv4()) {
      if (V4_ZERONET.contains(a) || a.equals(V4_LIMITED_BROADCAST)) {
        return AddressType.BROADCAST;
      }
      if (V4_MULTICAST.contains(a)) {
        return AddressType.MULTICAST;
      }
    } else if (V6_MULTICAST.contains(a)) {
      return AddressType.MULTICAST;
    }
    String owner = hostAddresses.get(a);
    if (owner == null && isLoopback(a)) {
      owner = "lo";
    }
    if (owner != null) {
      return limitDevice.isEmpty() || limitDevice.get().equals(owner) ? AddressType.LOCAL : AddressType.UNICAST;
    }
    String broadcastOn = broadcasts.get(a);
    if (broadcastOn != null) {
      return limitDevice.isEmpty() || limitDevice.get().equals(broadcastOn) ? AddressType.BROADCAST : AddressType.UNICAST;
    }
    return longestRoute(a)
        .map(r -> switch (r.type()) {
          case "local" -> AddressType.LOCAL;
          case "blackhole" -> AddressType.BLACKHOLE;
          case "unreachable" -> AddressType.UNREACHABLE;
          case "prohibit" -> AddressType.PROHIBIT;
          case "broadcast" -> AddressType.BROADCAST;
          default -> AddressType.UNICAST;
        })
        .orElse(AddressType.UNICAST);
  }

  /** Every address range inside which {@link #addressType} is constant: where sources split. */
  List<Span> addressTypeBoundaries(IpFamily family) {
    List<Span> out = new ArrayList<>();
    if (family == IpFamily.V4) {
      out.add(Span.of(V4_ZERONET));
      out.add(Span.of(V4_LIMITED_BROADCAST));
      out.add(Span.of(V4_MULTICAST));
      out.add(Span.of(V4_LOOPBACK));
    } else {
      out.add(Span.of(V6_MULTICAST));
      out.add(Span.of(V6_LOOPBACK));
    }
    for (IPAddress a : hostAddresses.keySet()) {
      if (IpFamily.of(a) == family) {
        out.add(Span.of(a));
      }
    }
    for (IPAddress a : broadcasts.keySet()) {
      if (IpFamily.of(a) == family) {
        out.add(Span.of(a));
      }
    }
    for (Route r : routes) {
      if (r.family() == family) {
        out.add(Span.of(r.destination()));
      }
    }
    return out;
  }

}
