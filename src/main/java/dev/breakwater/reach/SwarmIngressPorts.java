package dev.breakwater.reach;

import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerRuntime;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.Target;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ports Swarm publishes through its routing mesh. A task's own inspect shows them unbound
 * ({@code "Ports": {"80/tcp": null}}): the publication is nat/DOCKER-INGRESS's DNAT of the
 * published port to the ingress sandbox on docker_gwbridge (moby's
 * libnetwork/service_linux.go, programIngress), whose IPVS then balances to a task on any node.
 * So the port is open on every node whatever runs here; it is audited as one exposure of the
 * routing mesh, naming the services that have tasks on this node.
 */
final class SwarmIngressPorts {
  static final String MESH = "swarm routing mesh";
  static final String SERVICE_LABEL = "com.docker.swarm.service.name";

  private SwarmIngressPorts() {}

  /** One pseudo-container per DOCKER-INGRESS DNAT no container already publishes. */
  static List<Container> of(HostFacts facts) {
    Optional<Chain> ingress = facts.ipv4().chain(TableName.NAT, "DOCKER-INGRESS");
    if (ingress.isEmpty()) {
      return List.of();
    }
    Set<String> services = new TreeSet<>();
    for (Container c : facts.containers()) {
      String service = c.labels().get(SERVICE_LABEL);
      if (service != null) {
        services.add(service);
      }
    }
    List<Container> out = new ArrayList<>();
    for (Rule rule : ingress.get().rules()) {
      published(rule).filter(p -> !alreadyPublished(facts, p)).ifPresent(p -> out.add(new Container(
          "swarm-ingress-" + p.hostPort() + "-" + p.protocol().name().toLowerCase(java.util.Locale.ROOT),
          services.isEmpty() ? MESH : MESH + " (services with tasks here: " + String.join(", ", services) + ")",
          "", Map.of(), "ingress", List.of(), List.of(p), List.of(), List.of(), ContainerRuntime.DOCKER)));
    }
    return out;
  }

  /** {@code -p tcp --dport N -j DNAT --to-destination ADDR:N}: Docker writes exactly this shape. */
  private static Optional<PublishedPort> published(Rule rule) {
    if (!(rule.target() instanceof Target.Dnat dnat) || dnat.first().isEmpty()) {
      return Optional.empty();
    }
    Transport protocol = null;
    Integer port = null;
    for (Match m : rule.matches()) {
      if (m instanceof Match.Protocol p && !p.negated()) {
        protocol = p.number() == 6 ? Transport.TCP : p.number() == 17 ? Transport.UDP : null;
      } else if (m instanceof Match.Ports ports && ports.field() == Match.PortField.DESTINATION && !ports.negated()
          && ports.ranges().size() == 1 && ports.ranges().get(0).first() == ports.ranges().get(0).last()) {
        port = ports.ranges().get(0).first();
      }
    }
    if (protocol == null || port == null) {
      return Optional.empty();
    }
    int toPort = dnat.ports().map(PortRange::first).orElse(port);
    return Optional.of(new PublishedPort(new IPAddressString("0.0.0.0").getAddress(), port, toPort, protocol,
        dnat.first()));
  }

  private static boolean alreadyPublished(HostFacts facts, PublishedPort p) {
    return facts.containers().stream().flatMap(c -> c.ports().stream())
        .anyMatch(q -> q.hostPort() == p.hostPort() && q.protocol() == p.protocol());
  }
}
