package dev.breakwater.audit;

import dev.breakwater.catalog.Severity;
import java.util.List;

/**
 * The same exposure on many hosts of a fleet: one published port and protocol, of the same
 * service, reachable from the same sources. "3306/tcp of mysql reachable from anywhere on 11 of
 * 12 hosts". Field names are the JSON contract of a fleet's {@code shared[]}.
 *
 * @param service the image's repository without registry, tag or digest ({@code mysql}, {@code bitnami/redis})
 * @param reach {@code anywhere}, the sources ({@code 198.51.100.0/24}), or {@code possibly} and either
 * @param severity the worst finding of these exposures on any of the hosts
 * @param findings the ids of their findings above info, sorted
 * @param hosts the hosts' names, in the fleet's order (worst host first)
 * @param of the number of audited hosts in the fleet
 */
public record SharedExposure(
    int hostPort,
    String protocol,
    String service,
    String reach,
    Severity severity,
    List<String> findings,
    List<String> hosts,
    int of) {

  public SharedExposure {
    findings = List.copyOf(findings);
    hosts = List.copyOf(hosts);
  }

  /** "3306/tcp of mysql reachable from anywhere on 11 of 12 hosts"; a long list of sources is shortened. */
  public String sentence() {
    boolean possibly = reach.startsWith("possibly ");
    List<String> sources = List.of((possibly ? reach.substring("possibly ".length()) : reach).split(", "));
    String shown = sources.size() <= 3
        ? String.join(", ", sources)
        : String.join(", ", sources.subList(0, 2)) + " +" + (sources.size() - 2) + " more";
    String from = (possibly ? "possibly reachable from " : "reachable from ") + shown;
    return hostPort + "/" + protocol + " of " + service + " " + from + " on " + hosts.size() + " of " + of
        + (of == 1 ? " host" : " hosts");
  }
}
