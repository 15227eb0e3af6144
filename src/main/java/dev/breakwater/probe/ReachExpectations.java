package dev.breakwater.probe;

import dev.breakwater.host.PublishedPort;
import dev.breakwater.reach.PortReach;
import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns the engine's answers for a host ({@link PortReach}, one per published port) into what
 * this vantage point should see when it probes that host. Pure: no I/O.
 *
 * <p>A port bound to {@code 0.0.0.0} (or {@code ::}) is predicted on every probed address of that
 * family; one bound to a single address only there. A vantage point that the engine can only
 * call "possibly" reached is not turned into a prediction: comparing against a guess would
 * report disagreements that are not there.
 *
 * @param expectations the predictions the probe can test
 * @param uncertain one line per port whose prediction for this vantage point is "possibly"
 */
public record ReachExpectations(List<Expectation> expectations, List<String> uncertain) {

  /**
   * @param vantages this machine's source addresses as the host sees them, one per family at most
   * @param probedHosts the addresses being probed
   */
  public static ReachExpectations from(List<PortReach> reaches, List<InetAddress> vantages, List<InetAddress> probedHosts) {
    List<Expectation> expectations = new ArrayList<>();
    List<String> uncertain = new ArrayList<>();
    for (PortReach reach : reaches) {
      PublishedPort port = reach.port();
      List<IPAddress> reachableFrom = reach.reachableFrom();
      List<IPAddress> possiblyFrom = reach.possiblyReachableFrom();
      for (InetAddress host : boundAddresses(port, probedHosts)) {
        Optional<IPAddress> vantage = sameFamily(vantages, host).map(ReachExpectations::ip);
        if (vantage.isEmpty()) {
          continue;
        }
        IPAddress source = vantage.get();
        boolean reachable = reachableFrom.stream().anyMatch(block -> block.contains(source));
        boolean possibly = possiblyFrom.stream().anyMatch(block -> block.contains(source));
        if (!reachable && possibly) {
          uncertain.add(Endpoint.hostText(host) + ":" + port.hostPort() + "/" + port.protocol().label()
              + " is possibly reachable from " + source + " (a rule Breakwater does not model decides)");
          continue;
        }
        expectations.add(new Expectation(ip(host), port.hostPort(), port.protocol(), reachable));
      }
    }
    return new ReachExpectations(List.copyOf(expectations), List.copyOf(uncertain));
  }

  private static List<InetAddress> boundAddresses(PublishedPort port, List<InetAddress> probedHosts) {
    IPAddress bound = port.hostIp();
    if (bound.isAnyLocal()) {
      return probedHosts.stream().filter(h -> (h instanceof Inet6Address) == bound.isIPv6()).toList();
    }
    return List.of(bound.withoutPrefixLength().toInetAddress());
  }

  private static Optional<InetAddress> sameFamily(List<InetAddress> vantages, InetAddress host) {
    return vantages.stream().filter(v -> v.getClass() == host.getClass()).findFirst();
  }

  private static IPAddress ip(InetAddress a) {
    return a instanceof Inet4Address v4 ? new IPv4Address(v4) : new IPv6Address((Inet6Address) a);
  }
}
