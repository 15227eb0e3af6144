package dev.breakwater.audit;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Many hosts' audits as one answer: hosts worst first, and the exposures they share grouped.
 * Pure: the same hosts in any order give the same report. The audits themselves are made
 * elsewhere (in parallel, by the caller); this only orders and groups them.
 */
public final class FleetAudit {
  private FleetAudit() {}

  /**
   * Hosts first whose snapshot is bad input (nothing can be said of them, so they come before any
   * finding), then by the worst finding, then by how many findings above info, then by name.
   */
  static final Comparator<FleetHost> WORST_FIRST = Comparator
      .comparing(FleetHost::isBadInput).reversed()
      .thenComparing(Comparator.comparing(FleetHost::worstSeverity).reversed())
      .thenComparing(Comparator.comparingLong(FleetAudit::findingsAboveInfo).reversed())
      .thenComparing(FleetHost::host)
      .thenComparing(FleetHost::snapshot);

  /** The same exposure on many hosts: worst first, then the most hosts, then by port. */
  static final Comparator<SharedExposure> SHARED_ORDER = Comparator
      .comparing(SharedExposure::severity).reversed()
      .thenComparing(Comparator.comparingInt((SharedExposure s) -> s.hosts().size()).reversed())
      .thenComparingInt(SharedExposure::hostPort)
      .thenComparing(SharedExposure::protocol)
      .thenComparing(SharedExposure::service)
      .thenComparing(SharedExposure::reach);

  public static FleetReport of(List<FleetHost> hosts) {
    List<FleetHost> ordered = hosts.stream().sorted(WORST_FIRST).toList();
    int audited = (int) ordered.stream().filter(h -> !h.isBadInput()).count();
    Severity worst = ordered.stream().map(FleetHost::worstSeverity).max(Comparator.naturalOrder()).orElse(Severity.INFO);
    return new FleetReport(ordered.size(), audited, ordered.size() - audited, worst, shared(ordered, audited),
        sharedListeners(ordered, audited), ordered);
  }

  /** One port of one host, as the grouping sees it: a container's publication or a host socket. */
  private record Item(int hostPort, String protocol, String service, String reach, Severity severity,
      List<ExposureFinding> findings) {}

  /** One group per (port, protocol, service, sources) among the exposures that have a finding above info. */
  static List<SharedExposure> shared(List<FleetHost> ordered, int audited) {
    return grouped(ordered, audited, report -> report.exposures().stream()
        .map(e -> new Item(e.hostPort(), e.protocol(), service(e.image()), reach(e.reachableFrom(), e.possiblyReachableFrom()),
            e.severity(), e.findings()))
        .toList());
  }

  /**
   * The host's own sockets the same way, keyed by the process that holds them: "2375/tcp of dockerd
   * reachable from anywhere on 1 of 12 hosts". A socket ss could not name a process for is {@code ?}.
   */
  static List<SharedExposure> sharedListeners(List<FleetHost> ordered, int audited) {
    return grouped(ordered, audited, report -> report.hostListeners().stream()
        .map(l -> new Item(l.port(), l.protocol(), l.process().isEmpty() ? "?" : l.process(),
            reach(l.reachableFrom(), l.possiblyReachableFrom()), l.severity(), l.findings()))
        .toList());
  }

  private static List<SharedExposure> grouped(List<FleetHost> ordered, int audited,
      Function<AuditReport, List<Item>> items) {
    record Key(int hostPort, String protocol, String service, String reach) {}
    final class Group {
      Severity severity = Severity.INFO;
      // Each finding id with its worst severity here: listed worst first.
      final Map<String, Severity> findings = new TreeMap<>();
      // By snapshot: two hosts may have the same name, and a host's IPv4 and IPv6 count once.
      final Map<String, String> hosts = new LinkedHashMap<>();
    }
    Map<Key, Group> groups = new LinkedHashMap<>();
    for (FleetHost host : ordered) {
      for (AuditReport report : host.audit().stream().toList()) {
        for (Item e : items.apply(report)) {
          if (e.severity().compareTo(Severity.INFO) <= 0) {
            continue;
          }
          Group g = groups.computeIfAbsent(new Key(e.hostPort(), e.protocol(), e.service(), e.reach()), k -> new Group());
          if (e.severity().compareTo(g.severity) > 0) {
            g.severity = e.severity();
          }
          e.findings().stream().filter(f -> f.severity().compareTo(Severity.INFO) > 0)
              .forEach(f -> g.findings.merge(f.id(), f.severity(), (a, b) -> a.compareTo(b) >= 0 ? a : b));
          g.hosts.putIfAbsent(host.snapshot(), host.host());
        }
      }
    }
    List<SharedExposure> shared = new ArrayList<>();
    groups.forEach((k, g) -> shared.add(new SharedExposure(
        k.hostPort(), k.protocol(), k.service(), k.reach(), g.severity,
        worstFirst(g.findings), List.copyOf(g.hosts.values()), audited)));
    shared.sort(SHARED_ORDER);
    return shared;
  }

  private static List<String> worstFirst(Map<String, Severity> findings) {
    return findings.entrySet().stream()
        .sorted(Map.Entry.<String, Severity>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** Who reaches it, as a group's key: {@code anywhere}, the sources, or {@code possibly} either. */
  static String reach(List<String> reachableFrom, List<String> possiblyReachableFrom) {
    if (!reachableFrom.isEmpty()) {
      return sources(reachableFrom);
    }
    if (!possiblyReachableFrom.isEmpty()) {
      return "possibly " + sources(possiblyReachableFrom);
    }
    return "nobody";
  }

  private static String sources(List<String> cidrs) {
    // 0.0.0.0/0 and ::/0 are both "anywhere": a host's IPv4 and IPv6 exposure then group as one.
    if (cidrs.stream().anyMatch(c -> c.endsWith("/0"))) {
      return "anywhere";
    }
    return String.join(", ", new TreeSet<>(cidrs));
  }

  /**
   * What listens, as a person names it: the image's repository without registry, tag or digest.
   * {@code docker.io/library/mysql:8.0} and {@code mysql@sha256:...} are both {@code mysql}.
   */
  static String service(String image) {
    String name = image;
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      name = name.substring(0, colon);
    }
    for (String prefix : List.of("docker.io/library/", "docker.io/", "library/")) {
      if (name.startsWith(prefix)) {
        name = name.substring(prefix.length());
        break;
      }
    }
    return name.isEmpty() ? image : name;
  }

  private static long findingsAboveInfo(FleetHost host) {
    return host.audit().stream().flatMap(r -> r.findingsAboveInfo().stream()).count();
  }
}
