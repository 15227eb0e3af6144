package dev.breakwater.reach;

import dev.breakwater.host.Container;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.AddressSets;
import dev.breakwater.netfilter.Rule;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The engine's answer for one published port: who reaches it from outside the host, per ingress
 * interface and source class. The one shape audit, plan's proof and probe's predictions read;
 * the sums they need ({@link #reachableFrom()}, {@link #possiblyReachableFrom()},
 * {@link #decidedBy()}) are derived from the classes so that they cannot disagree with them.
 *
 * @param uncertainBecause the unknown rules the uncertain classes depend on
 * @param notes what the answer cannot show by itself (host networking, Swarm ingress, no
 *     ip6tables dump, a host-only binding)
 */
public record PortReach(
    Container container,
    PublishedPort port,
    List<SourceClass> classes,
    List<Rule> uncertainBecause,
    List<ReachNote> notes) {

  public PortReach {
    classes = List.copyOf(classes);
    uncertainBecause = List.copyOf(uncertainBecause);
    notes = List.copyOf(notes);
  }

  /** False when some class is "possibly reachable". */
  public boolean exact() {
    return classes.stream().noneMatch(c -> c.verdict() instanceof Verdict.PossiblyReachable);
  }

  /** Union of the reachable classes over all ingress interfaces: minimal CIDRs, IPv4 then IPv6. */
  public List<IPAddress> reachableFrom() {
    return AddressSets.union(classes.stream()
        .filter(c -> c.verdict() instanceof Verdict.Reachable)
        .flatMap(c -> c.sources().stream())
        .toList());
  }

  /** Union of the possibly-reachable classes that are not reachable through another ingress. */
  public List<IPAddress> possiblyReachableFrom() {
    List<IPAddress> possibly = AddressSets.union(classes.stream()
        .filter(c -> c.verdict() instanceof Verdict.PossiblyReachable)
        .flatMap(c -> c.sources().stream())
        .toList());
    return AddressSets.minus(possibly, reachableFrom());
  }

  /** Some reachable class is a /0: anybody at all. */
  public boolean reachableFromAnywhere() {
    return reachableFrom().stream().anyMatch(p -> p.getNetworkPrefixLength() != null && p.getNetworkPrefixLength() == 0);
  }

  /** The rule that lets the widest reachable class in (possibly-reachable when none is reachable). */
  public Optional<Rule> decidedBy() {
    Comparator<SourceClass> bySize = Comparator.comparing(
        c -> c.sources().stream().map(IPAddress::getCount).reduce(BigInteger.ZERO, BigInteger::add));
    Optional<SourceClass> widest = classes.stream()
        .filter(c -> c.verdict() instanceof Verdict.Reachable && c.decidedBy().isPresent()).max(bySize);
    if (widest.isEmpty()) {
      widest = classes.stream()
          .filter(c -> c.verdict() instanceof Verdict.PossiblyReachable && c.decidedBy().isPresent()).max(bySize);
    }
    return widest.flatMap(SourceClass::decidedBy);
  }
}
