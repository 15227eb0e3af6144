package dev.breakwater.reach;

import dev.breakwater.net.AddressSets;
import dev.breakwater.host.Container;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.netfilter.Rule;
import inet.ipaddr.IPAddress;
import java.util.List;

/**
 * Who can reach one published port, per ingress interface and source class.
 *
 * @param exact false when some class is "possibly reachable"
 * @param uncertainBecause the unknown rules the uncertain classes depend on
 * @param notes what the answer cannot show by itself (host networking, Swarm ingress, no
 *     ip6tables dump, loopback binding)
 */
public record PortExposure(
    Container container,
    PublishedPort port,
    List<SourceClass> classes,
    boolean exact,
    List<Rule> uncertainBecause,
    List<String> notes) {

  public PortExposure {
    classes = List.copyOf(classes);
    uncertainBecause = List.copyOf(uncertainBecause);
    notes = List.copyOf(notes);
  }

  public PortExposure(
      Container container, PublishedPort port, List<SourceClass> classes, boolean exact, List<Rule> uncertainBecause) {
    this(container, port, classes, exact, uncertainBecause, List.of());
  }

  /** Union of the reachable classes over all ingress interfaces: minimal CIDRs, IPv4 then IPv6. */
  public List<IPAddress> reachableFrom() {
    return AddressSets.union(classes.stream()
        .filter(c -> c.verdict() instanceof Verdict.Reachable)
        .flatMap(c -> c.sources().stream())
        .toList());
  }

  /** The rule that lets the widest reachable class in (possibly-reachable when none is reachable). */
  public java.util.Optional<Rule> decidedBy() {
    java.util.Comparator<SourceClass> bySize = java.util.Comparator.comparing(
        c -> c.sources().stream().map(a -> a.getCount()).reduce(java.math.BigInteger.ZERO, java.math.BigInteger::add));
    java.util.Optional<SourceClass> widest = classes.stream()
        .filter(c -> c.verdict() instanceof Verdict.Reachable && c.decidedBy().isPresent()).max(bySize);
    if (widest.isEmpty()) {
      widest = classes.stream()
          .filter(c -> c.verdict() instanceof Verdict.PossiblyReachable && c.decidedBy().isPresent()).max(bySize);
    }
    return widest.flatMap(SourceClass::decidedBy);
  }

  /** Union of the possibly-reachable classes that are not reachable through another ingress. */
  public List<IPAddress> possiblyReachableFrom() {
    List<IPAddress> possibly = AddressSets.union(classes.stream()
        .filter(c -> c.verdict() instanceof Verdict.PossiblyReachable)
        .flatMap(c -> c.sources().stream())
        .toList());
    return AddressSets.minus(possibly, reachableFrom());
  }
}
