package dev.breakwater.audit;

import dev.breakwater.catalog.Severity;
import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerRuntime;
import dev.breakwater.host.FirewalldSetup;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.HostSetup;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.host.Route;
import dev.breakwater.hostconf.UfwDefaults;
import dev.breakwater.hostconf.ContainerPublish;
import dev.breakwater.hostconf.HostConfigFinding;
import dev.breakwater.hostconf.UfwDefaultChecks;
import dev.breakwater.ufw.UfwStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the firewall's setup ({@link HostSetup}: UFW's defaults, Docker's backend, firewalld)
 * means beside its rules, said once for the host: its findings and notes. Every text of them is
 * here, so the JSON and text outputs say the same.
 */
final class SetupFindings {
  /** The finding lint gives for the same setting in a repository ({@link UfwDefaultChecks}): one id, one meaning. */
  static final String UFW_FORWARD_ACCEPT = UfwDefaultChecks.FORWARD_ACCEPT;

  private SetupFindings() {}

  /** Host-wide findings, worst first. */
  static List<ExposureFinding> findings(HostFacts facts) {
    List<ExposureFinding> findings = new ArrayList<>();
    if (ufwActive(facts) && facts.setup().ufwDefaults().map(UfwDefaults::forwardAccepts).orElse(false)) {
      // UFW writes DEFAULT_FORWARD_POLICY as FORWARD's policy: every path through the host that
      // no rule drops is accepted, to every container address, from every source.
      findings.add(new ExposureFinding(UFW_FORWARD_ACCEPT, Severity.MEDIUM,
          "UFW's DEFAULT_FORWARD_POLICY=ACCEPT opens every forwarded path (the usual fix for Podman/Docker-nftables"
              + " egress): any source may reach every published port and, by routing to it, every container address,"
              + " whatever 'ufw status' says about incoming traffic ("
              + facts.setup().ufwDefaults().map(UfwDefaults::forwardPolicyWhere).orElse("/etc/default/ufw") + ").",
          "Set DEFAULT_FORWARD_POLICY=\"DROP\" in /etc/default/ufw and allow only what is forwarded on purpose: "
              + routeAllows(facts) + "; then 'ufw reload'."));
    }
    for (HostConfigFinding found : hostConfig(facts)) {
      if (!found.isNote()) {
        findings.add(new ExposureFinding(found.id(), found.severity(), found.message() + " (" + found.where() + ")",
            found.fix()));
      }
    }
    findings.sort(java.util.Comparator.comparing(ExposureFinding::severity).reversed());
    return findings;
  }

  /** daemon.json, fail2ban and the sysctls judged with this host's published ports. */
  private static List<HostConfigFinding> hostConfig(HostFacts facts) {
    List<ContainerPublish> published = new ArrayList<>();
    List<ContainerPublish> loopback = new ArrayList<>();
    for (Container container : facts.containers()) {
      for (PublishedPort port : container.ports()) {
        ContainerPublish publish = new ContainerPublish(container.name(), port.hostPort(), port.containerPort(), port.protocol());
        if (!port.hostIp().isLoopback()) {
          published.add(publish);
        } else if (!rawDropsRemoteLoopback(facts, port.hostPort())) {
          loopback.add(publish);
        }
      }
    }
    return facts.setup().hostConfig().findings(published, loopback);
  }

  /**
   * Docker 28+ drops remote packets to a port published on 127.0.0.1 in raw PREROUTING
   * ({@code -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 6379 -j DROP}, moby 28.0 release notes),
   * which keeps that port closed even where route_localnet=1.
   */
  private static boolean rawDropsRemoteLoopback(HostFacts facts, int hostPort) {
    return facts.ipv4().chain(dev.breakwater.netfilter.TableName.RAW, "PREROUTING").stream()
        .flatMap(chain -> chain.rules().stream())
        .anyMatch(rule -> rule.target() instanceof dev.breakwater.netfilter.Target.Drop
            && rule.text().contains("-d 127.0.0.1/32") && rule.text().contains("! -i lo")
            && rule.text().matches(".*--dport " + hostPort + "(\\s.*|$)"));
  }

  /** Facts of the setup that change what the rules mean (said in the audit's notes). */
  static List<String> notes(HostFacts facts) {
    List<String> notes = new ArrayList<>();
    // ufw-default's ACCEPT wins over a status printed before it was changed: then the finding speaks.
    boolean routedDeny = facts.ufw().filter(UfwStatus::active)
        .map(ufw -> ufw.defaultRouted().equals("deny") || ufw.defaultRouted().equals("reject")).orElse(false)
        && !facts.setup().ufwDefaults().map(UfwDefaults::forwardAccepts).orElse(false);
    if (routedDeny && facts.dockerUsesNftables()) {
      // Docker 29's nft rules and UFW's iptables-nft FORWARD chain are base chains of the same
      // forward hook: a packet must be accepted by both, and UFW's policy drops it (research
      // nftables.md §1.6, S2: published ports blocked and container egress blocked, in the kernel).
      notes.add("UFW's routed deny drops what Docker's nftables rules accept: published ports meant to be public are"
          + " unreachable and containers lose outbound traffic (Docker's table ip docker-bridges and UFW's FORWARD"
          + " chain both run at the forward hook, and an accept in one does not skip the other); allow them with "
          + routeAllows(facts) + ", not with DEFAULT_FORWARD_POLICY=ACCEPT");
    }
    firewalldNote(facts).ifPresent(notes::add);
    hostConfig(facts).stream().filter(HostConfigFinding::isNote)
        .forEach(note -> notes.add(note.where() + ": " + note.message()));
    return notes;
  }

  private static Optional<String> firewalldNote(HostFacts facts) {
    HostSetup setup = facts.setup();
    FirewalldSetup firewalld = setup.firewalld();
    boolean running = firewalld.running() == FirewalldSetup.Running.YES
        || (firewalld.running() == FirewalldSetup.Running.UNKNOWN && setup.dockerSawFirewalld());
    boolean docker = setup.dockerFirewallDriver().isPresent() || runs(facts, ContainerRuntime.DOCKER);
    boolean podman = runs(facts, ContainerRuntime.PODMAN);
    if (!running || firewalld.strictForwardPorts() || !(docker || podman)) {
      return Optional.empty();
    }
    // firewalld's filter_FORWARD accepts any packet some DNAT rewrote before its zones are asked
    // (firewalld src/firewall/core/nftables.py; firewalld#869), so Docker's and Podman's DNAT pass.
    String who = docker && podman ? "Docker- and Podman-published" : docker ? "Docker-published" : "Podman-published";
    String accept = firewalld.backend().filter("iptables"::equals).isPresent()
        ? "FORWARD: -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT"
        : "filter_FORWARD: ct status dnat accept";
    return Optional.of("firewalld zone rules do not apply to " + who + " ports (" + accept + "): its zones, services"
        + " and rich rules do not limit who reaches them; set StrictForwardPorts=yes in /etc/firewalld/firewalld.conf"
        + " (firewalld 2.3+) and allow each port with a forward-port"
        + (podman ? " (rootful Podman then refuses -p, netavark PR #1165)" : "")
        + (docker ? ", or " + DockerFilterSite.of(facts).filterIn() : ""));
  }

  private static boolean ufwActive(HostFacts facts) {
    return facts.ufw().map(UfwStatus::active).orElse(false);
  }

  private static boolean runs(HostFacts facts, ContainerRuntime runtime) {
    return facts.containers().stream().anyMatch(c -> c.runtime() == runtime);
  }


  /**
   * The UFW route rules that allow container egress and the published ports, with this host's
   * bridges, outside interface and container addresses ({@code 'ufw route allow in on docker0 out on eth0'}).
   */
  static String routeAllows(HostFacts facts) {
    String outside = facts.routes().stream().filter(Route::isDefault).filter(Route::inMain).map(Route::device).filter(d -> !d.isEmpty())
        .findFirst().orElse("EXT_IF");
    List<String> bridges = facts.interfaces().stream().filter(i -> i.kind().equals("bridge"))
        .map(NetworkInterface::name).sorted().toList();
    List<String> rules = new ArrayList<>();
    for (String bridge : bridges.isEmpty() ? List.of("BRIDGE") : bridges.subList(0, Math.min(2, bridges.size()))) {
      rules.add("'ufw route allow in on " + bridge + " out on " + outside + "'");
    }
    String egress = String.join(", ", rules) + " (containers' outbound traffic)";
    Set<String> ports = new LinkedHashSet<>();
    for (Container container : facts.containers()) {
      for (PublishedPort port : container.ports()) {
        if (port.boundToAll() && port.hostIp().isIPv4() && port.containerIp().isPresent()) {
          ports.add("'ufw route allow proto " + port.protocol().label() + " to "
              + port.containerIp().get().toCanonicalString() + " port " + port.containerPort() + "'");
        }
      }
    }
    List<String> shown = ports.stream().limit(3).toList();
    String published = shown.isEmpty()
        ? "'ufw route allow proto tcp to CONTAINER_IP port CONTAINER_PORT'"
        : String.join(", ", shown) + (ports.size() > shown.size() ? " and so on" : "");
    return egress + " and " + published + " (each published port meant to be public)";
  }
}
