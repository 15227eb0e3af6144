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
  private final List<Route> routes;
  private final Map<IPAddress, String> containerNames = new HashMap<>();

  /** Where Docker's DNAT sends a published port: what an unseen nat table is taken to do. */
  record PublishedDnat(IPAddress hostIp, int hostPort, Transport protocol, IPAddress to, int toPort) {}

  private final List<PublishedDnat> dnats = new ArrayList<>();
  private final ReversePathFilter reversePath;
  private final Forwarding forwarding;
  private final RouteLocalnet routeLocalnet;

  HostNetwork(HostFacts facts) {
    this.interfaces = facts.interfaces();
    Optional<dev.breakwater.hostconf.SysctlValues> sysctl = facts.setup().hostConfig().sysctl();
    this.reversePath = ReversePathFilter.of(sysctl);
    this.forwarding = Forwarding.of(sysctl);
    this.routeLocalnet = RouteLocalnet.of(sysctl);
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
    List<Route> sorted = new ArrayList<>(facts.routes());
    // Longest prefix first; the stable sort keeps the dump's order among equals.
    sorted.sort(Comparator.comparingInt((Route r) -> prefixLength(r.destination())).reversed());
    this.routes = List.copyOf(sorted);
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
    return hostAddresses.containsKey(a) || isLoopback(a) || longestRoute(a).map(r -> r.type().equals("local")).orElse(false);
  }

  private final Map<IPAddress, Map<String, RouteDecision>> routeCache = new HashMap<>();

  /** The kernel's routing decision for a packet that arrived on {@code inInterface}. */
  RouteDecision route(IPAddress destination, String inInterface) {
    return routeCache.computeIfAbsent(destination, d -> new HashMap<>())
        .computeIfAbsent(inInterface, in -> decideRoute(destination, in));
  }

  private RouteDecision decideRoute(IPAddress destination, String inInterface) {
    boolean fromLoopback = inInterface.equals("lo");
    if (destination.isIPv4() && isLoopback(destination) && !fromLoopback) {
      // ip_route_input_slow: a loopback destination from a non-loopback device is a martian
      // unless route_localnet is on there; then 127.0.0.0/8 is routed, and it is local.
      if (!routeLocalnet.on(inInterface)) {
        return new RouteDecision.Dropped("martian destination " + destination + " arriving on " + inInterface + " ("
            + routeLocalnet.setting(inInterface) + ")");
      }
      return new RouteDecision.Local(destination + " is a loopback address, routed as " + routeLocalnet.setting(inInterface));
    }
    if (isLoopback(destination) && !fromLoopback) {
      // ip6_rcv_core drops ::1 from any other device, whatever the sysctls.
      return new RouteDecision.Dropped("martian destination " + destination + " arriving on " + inInterface);
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

  /** Whether {@link #reversePathDrop} can drop anything arriving on {@code inInterface}. */
  boolean checksReversePath(IpFamily family, String inInterface) {
    return family == IpFamily.V4 && reversePath.mode(inInterface) != 0;
  }

  /** The source ranges within which the route back is one and the same: every route's prefix, every connected one. */
  List<Span> routeBoundaries(IpFamily family) {
    List<Span> out = new ArrayList<>();
    for (Route r : routes) {
      if (r.family() == family) {
        out.add(Span.of(r.destination()));
      }
    }
    for (NetworkInterface nic : interfaces) {
      for (IPAddress a : nic.addresses()) {
        if (IpFamily.of(a) == family && a.getNetworkPrefixLength() != null) {
          out.add(Span.of(a.toPrefixBlock()));
        }
      }
    }
    return out;
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
    return Optional.ofNullable(best);
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
