package dev.breakwater.audit;

import dev.breakwater.catalog.Severity;
import dev.breakwater.host.ContainerRuntime;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.HostListener;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.Transport;
import dev.breakwater.reach.ListenerReach;
import dev.breakwater.reach.Reachability;
import dev.breakwater.reach.ReachNote;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One host, start to finish: the engine's answer for every published port and every socket of
 * the host itself, judged. Pure.
 */
public final class HostAudit {
  /** docker-proxy holds a published port's host socket (userland-proxy): that port is audited as published. */
  static final String DOCKER_PROXY = "docker-proxy";
  /**
   * Rootful Podman binds each published port on the host "to keep them closed on the host" and
   * hands the sockets to conmon (libpod/oci_util.go, bindPorts), which holds them for the
   * container's life: ss shows conmon on 0.0.0.0:8080. netavark's DNAT takes every packet to that
   * port before INPUT, so the socket is the published port, not a service of the host (seen with
   * Podman 4.3, netavark 1.4: src/test/resources/corpus/podman-4.3-netavark-1.4).
   */
  static final String CONMON = "conmon";

  private HostAudit() {}

  public static AuditReport run(HostFacts facts) {
    return run(facts, Reachability.of(facts), ExpectedOpen.NONE);
  }

  public static AuditReport run(HostFacts facts, ExpectedOpen expectedOpen) {
    return run(facts, Reachability.of(facts), expectedOpen);
  }

  public static AuditReport run(HostFacts facts, Reachability reachability) {
    return run(facts, reachability, ExpectedOpen.NONE);
  }

  public static AuditReport run(HostFacts facts, Reachability reachability, ExpectedOpen expectedOpen) {
    Set<String> notes = new LinkedHashSet<>(facts.notes());
    boolean snapshotSaysNoIpv6 = facts.notes().contains(SnapshotDirectory.NO_IP6TABLES_SAVE);
    for (ReachNote note : reachability.notes()) {
      // The reader already said the IPv6 dump is missing, in the snapshot's own terms.
      if (!(snapshotSaysNoIpv6 && note instanceof ReachNote.NoIp6tablesDump)) {
        notes.add(note.text());
      }
    }
    notes.addAll(SetupFindings.notes(facts));
    AuditReport published = Auditor.audit(facts.hostname(), reachability.exposures(), port -> ufwClaim(facts, port), List.of(),
        DockerFilterSite.of(facts));
    List<Exposure> exposures = published.exposures().stream().map(e -> judgeIntent(e, expectedOpen)).toList();

    List<ListenerExposure> listeners = new ArrayList<>();
    if (facts.listeners().isEmpty()) {
      if (expectedOpen.given()) {
        notes.add("no ss-listening.txt in the snapshot: the host's own sockets are not checked against --expect-open"
            + " (write it with: ss -Htulnp > DIR/ss-listening.txt)");
      }
    } else {
      ListenerReach engine = ListenerReach.of(reachability);
      int proxies = 0;
      int reservations = 0;
      for (HostListener l : facts.listeners().get()) {
        if (l.processName().equals(DOCKER_PROXY)) {
          proxies++;
          continue;
        }
        if (l.processName().equals(CONMON) && podmanPublishes(facts, l)) {
          reservations++;
          continue;
        }
        String claim = facts.ufw().map(ufw -> ufw.claimFor(l.port(), l.protocol()).label()).orElse("none");
        listeners.add(ListenerAuditor.judge(l, l.loopbackOnly() ? Optional.empty() : Optional.of(engine.analyse(l)),
            claim, expectedOpen));
      }
      if (proxies > 0) {
        notes.add(proxies + " docker-proxy socket" + (proxies == 1 ? " is" : "s are") + " left out of the host listeners:"
            + " they are the published ports above");
      }
      if (reservations > 0) {
        notes.add(reservations + " conmon socket" + (reservations == 1 ? " is" : "s are") + " left out of the host listeners:"
            + " Podman holds its published ports' host sockets there, and they are the published ports above");
      }
      listeners.sort(Comparator.comparing(ListenerExposure::severity).reversed()
          .thenComparing(ListenerExposure::port)
          .thenComparing(ListenerExposure::protocol)
          .thenComparing(ListenerExposure::address));
    }
    // Without the host's sockets, a port with no publication may still be a host service's.
    return new AuditReport(facts.hostname(), exposures, List.copyOf(notes), SetupFindings.findings(facts), listeners,
        facts.listeners().isPresent() ? notReachable(expectedOpen, exposures, listeners) : List.of());
  }

  /** Whether a Podman container publishes the listener's port and protocol on its address (or on every address of its family). */
  private static boolean podmanPublishes(HostFacts facts, HostListener l) {
    return facts.containers().stream()
        .filter(c -> c.runtime() == ContainerRuntime.PODMAN)
        .flatMap(c -> c.ports().stream())
        .anyMatch(p -> p.hostPort() == l.port() && p.protocol() == l.protocol()
            && l.destinations().stream().anyMatch(d -> d.isIPv4() == p.hostIp().isIPv4()
                && (d.isAnyLocal() && p.hostIp().isAnyLocal() || d.equals(p.hostIp().withoutPrefixLength()))));
  }

  /** A published port reachable from outside that the owner did not list is a finding; a listed one is said. */
  private static Exposure judgeIntent(Exposure e, ExpectedOpen expectedOpen) {
    if (!expectedOpen.given()) {
      return e;
    }
    Transport protocol = Transport.tryParse(e.protocol()).orElseThrow();
    String port = e.hostPort() + "/" + e.protocol();
    if (expectedOpen.expects(e.hostPort(), protocol)) {
      return e.with(List.of("meant to be public (--expect-open " + port + ")"), List.of());
    }
    if (e.reachableFrom().isEmpty()) {
      return e;
    }
    return e.with(List.of(), List.of(new ExposureFinding(
        "unexpected-open",
        Severity.HIGH,
        e.container() + " publishes " + e.hostEndpoint() + ", reachable from " + String.join(", ", e.reachableFrom())
            + (e.decidedBy().isEmpty() ? "" : " (" + e.decidedBy() + " lets it in)") + ", and " + port
            + " is not in --expect-open (" + expectedOpen.describe() + ").",
        "Publish it on 127.0.0.1 ('127.0.0.1:" + e.hostPort() + ":" + e.containerPort() + "') if only this host needs it,"
            + " or filter it with 'breakwater plan --policy FILE'; or, if it is meant to be public, add " + port
            + " to --expect-open.")));
  }

  /** The expected ports that nothing answers on, not even possibly. */
  private static List<String> notReachable(ExpectedOpen expectedOpen, List<Exposure> exposures, List<ListenerExposure> listeners) {
    List<String> out = new ArrayList<>();
    for (ExpectedOpen.Port p : expectedOpen.ports()) {
      boolean published = exposures.stream().anyMatch(e -> e.hostPort() == p.port() && e.protocol().equals(p.protocol().label())
          && !(e.reachableFrom().isEmpty() && e.possiblyReachableFrom().isEmpty()));
      boolean hosted = listeners.stream().anyMatch(l -> l.port() == p.port() && l.protocol().equals(p.protocol().label())
          && !(l.reachableFrom().isEmpty() && l.possiblyReachableFrom().isEmpty()));
      if (!published && !hosted) {
        out.add(p.label());
      }
    }
    return out;
  }

  static String ufwClaim(HostFacts facts, PublishedPort port) {
    return facts.ufw().map(ufw -> ufw.claimFor(port.hostPort(), port.protocol()).label()).orElse("none");
  }
}
