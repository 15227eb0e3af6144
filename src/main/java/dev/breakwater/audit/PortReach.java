package dev.breakwater.audit;

import dev.breakwater.host.Container;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.netfilter.Rule;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Optional;

/**
 * What the reachability engine answered for one published port, from sources outside the host:
 * the input of the audit's judgement.
 *
 * @param reachableFrom sources that certainly reach the port, as minimal CIDRs
 * @param possiblyFrom sources whose fate depends on a rule Breakwater does not model
 * @param uncertainBecause the rules that made {@code possiblyFrom} uncertain
 * @param decidedBy the rule that lets the widest reachable class in, when there is one
 * @param notes facts about this port the user should read (host network, Swarm ingress, ...)
 */
public record PortReach(
    Container container,
    PublishedPort port,
    List<IPAddress> reachableFrom,
    List<IPAddress> possiblyFrom,
    List<Rule> uncertainBecause,
    Optional<Rule> decidedBy,
    List<String> notes) {

  public PortReach {
    reachableFrom = List.copyOf(reachableFrom);
    possiblyFrom = List.copyOf(possiblyFrom);
    uncertainBecause = List.copyOf(uncertainBecause);
    notes = List.copyOf(notes);
  }

  public boolean exact() {
    return possiblyFrom.isEmpty() && uncertainBecause.isEmpty();
  }

  public boolean reachableFromAnywhere() {
    return reachableFrom.stream().anyMatch(p -> p.getNetworkPrefixLength() != null && p.getNetworkPrefixLength() == 0);
  }
}
