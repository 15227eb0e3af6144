package dev.breakwater.policy;

import dev.breakwater.host.HostFacts;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.ConntrackEntry;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The connections already open that a newly applied policy forbids. The chain lets
 * RELATED,ESTABLISHED traffic through first (so that containers' own outbound connections keep
 * their replies), which would also keep alive a session a stranger opened before the apply:
 * those are the ones to cut, and only those.
 *
 * <p>A connection is forbidden when it was DNATed to a protected published port (its original
 * destination port is the host port, the reply comes from elsewhere), its client is outside the
 * port's allowed sources, and the client is not inside the host: a source in the prefix of an
 * interface that is not external (a container on another bridge reaching a published port, the
 * host itself) never meets the chain's drop, so its connection is left alone.
 */
public final class ForbiddenFlows {
  private ForbiddenFlows() {}

  public static List<ConntrackEntry> select(CompiledPolicy compiled, HostFacts facts, List<ConntrackEntry> open) {
    List<IPAddress> inside = new ArrayList<>();
    for (NetworkInterface i : facts.interfaces()) {
      if (!compiled.externalInterfaces().contains(i.name())) {
        for (IPAddress a : i.addresses()) {
          inside.add(a.toPrefixBlock());
        }
      }
    }
    List<ConntrackEntry> forbidden = new ArrayList<>();
    for (ConntrackEntry e : open) {
      if (!e.destinationTranslated() || e.originalSource().isLoopback() || containedIn(inside, e.originalSource())) {
        continue;
      }
      for (ProtectedPort port : compiled.ports()) {
        if (port.family() == e.family() && port.protocol() == e.protocol() && port.hostPort() == e.originalDestinationPort()
            && port.boundAddress().map(b -> b.withoutPrefixLength().equals(e.originalDestination())).orElse(true)
            && !allowed(port, e.originalSource())) {
          forbidden.add(e);
          break;
        }
      }
    }
    return forbidden;
  }

  private static boolean allowed(ProtectedPort port, IPAddress source) {
    return port.allowed().any() || containedIn(port.allowed().of(port.family()), source);
  }

  private static boolean containedIn(List<IPAddress> prefixes, IPAddress address) {
    for (IPAddress p : prefixes) {
      if (p.getIPVersion() == address.getIPVersion() && p.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The families and ports to list, so that the list stays small on a busy host. */
  public static List<ProtectedPort> portsOf(CompiledPolicy compiled, IpFamily family) {
    return compiled.ports().stream().filter(p -> p.family() == family && !p.allowed().any()).toList();
  }

  /**
   * True when {@code after} may forbid a connection that {@code before} let in, so that a cut is
   * worth its conntrack listing: a port {@code after} restricts that {@code before} did not have
   * (it may have been open while it was new, with {@code default: allow}) or left open to any, or
   * whose sources lost a prefix. False when every restricted port keeps or widens its sources.
   */
  public static boolean narrows(CompiledPolicy before, CompiledPolicy after) {
    for (ProtectedPort port : after.ports()) {
      if (port.allowed().any()) {
        continue;
      }
      ProtectedPort was = before.ports().stream().filter(p -> p.endpoint().equals(port.endpoint())).findFirst().orElse(null);
      if (was == null || was.allowed().any()) {
        return true;
      }
      List<IPAddress> now = port.allowed().of(port.family());
      for (IPAddress prefix : was.allowed().of(was.family())) {
        if (now.stream().noneMatch(p -> p.getIPVersion() == prefix.getIPVersion() && p.contains(prefix))) {
          return true;
        }
      }
    }
    return false;
  }
}
