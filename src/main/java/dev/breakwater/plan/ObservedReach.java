package dev.breakwater.plan;

import dev.breakwater.policy.ProtectedPort;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Optional;

/**
 * What the reach engine answered for one published port on one ruleset: the input of the proof,
 * kept free of the engine's own types so that the proof is tested on its own.
 *
 * @param boundAddress empty when the port is bound to every address of its family
 * @param uncertainBecause why {@code possibly} is not decided: the rules (citations) or facts
 *     (no ip6tables dump) the engine could not evaluate
 */
public record ObservedReach(
    String container,
    IpFamily family,
    Optional<IPAddress> boundAddress,
    int hostPort,
    Transport protocol,
    List<IPAddress> reachable,
    List<IPAddress> possibly,
    List<String> uncertainBecause) {

  public ObservedReach {
    reachable = List.copyOf(reachable);
    possibly = List.copyOf(possibly);
    uncertainBecause = List.copyOf(uncertainBecause);
  }

  boolean isAbout(ProtectedPort port) {
    return container.equals(port.container()) && family == port.family() && hostPort == port.hostPort()
        && protocol == port.protocol()
        && boundAddress.map(IPAddress::withoutPrefixLength).equals(port.boundAddress().map(IPAddress::withoutPrefixLength));
  }
}
