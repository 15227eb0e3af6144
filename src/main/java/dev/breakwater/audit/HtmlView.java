package dev.breakwater.audit;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the html templates show, already worded: the templates hold no logic (Mustache), so every
 * text and every severity class is chosen here. Each value reaches the page through
 * {@code {{value}}}, which HTML-escapes it: a container named {@code <script>} is shown as text.
 */
final class HtmlView {
  private HtmlView() {}

  /** One finding: {@code severity} is the CSS class suffix and the label shown. */
  record FindingView(String id, String severity, String message, String fix) {
    static List<FindingView> of(List<ExposureFinding> findings) {
      return findings.stream().map(f -> new FindingView(f.id(), f.severity().label(), f.message(), f.fix())).toList();
    }
  }

  /** One published port: one table row. */
  record PortRow(String severity, String container, String image, String endpoint, int containerPort,
      String reach, String possibly, String ufw, String decidedBy, List<FindingView> findings, List<String> notes) {
    boolean hasFindings() {
      return !findings.isEmpty();
    }
  }

  /** One socket of the host itself: one table row. */
  record ListenerRow(String severity, String process, String endpoint, String reach, String possibly,
      boolean expected, String ufw, String decidedBy, List<FindingView> findings, List<String> notes) {
    boolean hasFindings() {
      return !findings.isEmpty();
    }
  }

  /** How many findings of one severity. */
  record Count(String severity, int count) {}

  /**
   * One host's section. {@code anchor} is the element id a fleet's host list links to; {@code
   * snapshot} is empty for a one-host page.
   */
  record HostView(String anchor, String host, String snapshot, String worst, int ports, long reachable,
      int listenerCount, long listenersReachable, List<Count> counts, List<PortRow> exposures,
      List<ListenerRow> listeners, List<FindingView> hostFindings, List<String> expectedNotReachable,
      List<String> notes, ExposureMap map, String portList) {
    // Mustache has no "is this list empty": a table's header is shown under these.
    boolean hasExposures() {
      return !exposures.isEmpty();
    }

    boolean hasListeners() {
      return !listeners.isEmpty();
    }

    boolean hasHostFindings() {
      return !hostFindings.isEmpty();
    }

    boolean hasExpectedNotReachable() {
      return !expectedNotReachable.isEmpty();
    }

    boolean hasNotes() {
      return !notes.isEmpty();
    }
  }

  /** One line of the fleet's shared exposures. */
  record SharedRow(String severity, String sentence, String findings, List<String> hosts) {}

  /** A snapshot that is bad input. */
  record BadHost(String host, String snapshot, String error) {}

  /**
   * The fleet's page. {@code filterScript} is the page's one script (the host list's filters), put
   * in unescaped: it is Breakwater's own file, never data; {@code csp} lets only that script run.
   */
  record FleetView(int hostCount, int audited, int badInput, String worst, List<Count> hostsByWorst,
      List<SharedRow> shared, List<SharedRow> sharedListeners, List<BadHost> bad, List<HostView> hosts,
      String filterScript, String csp) {
    boolean hasShared() {
      return !shared.isEmpty();
    }

    boolean hasSharedListeners() {
      return !sharedListeners.isEmpty();
    }

    boolean hasBad() {
      return !bad.isEmpty();
    }

    boolean hasHosts() {
      return !hosts.isEmpty();
    }
  }

  static HostView host(AuditReport report, String anchor, String snapshot) {
    List<PortRow> ports = report.exposures().stream().map(e -> new PortRow(
        e.severity().label(), name(e), e.image(), e.hostEndpoint(), e.containerPort(),
        sources(e.reachableFrom()), possibly(e.possiblyReachableFrom()), e.ufwClaim(), rule(e.decidedBy()),
        FindingView.of(e.findings()), e.notes())).toList();
    List<ListenerRow> listeners = report.hostListeners().stream().map(l -> new ListenerRow(
        l.severity().label(), l.process().isEmpty() ? "?" : l.process(), l.endpoint(),
        sources(l.reachableFrom()), possibly(l.possiblyReachableFrom()), l.expected(), l.ufwClaim(), rule(l.decidedBy()),
        FindingView.of(l.findings()), l.notes())).toList();
    List<ExposureFinding> all = new ArrayList<>(report.hostFindings());
    report.exposures().forEach(e -> all.addAll(e.findings()));
    report.hostListeners().forEach(l -> all.addAll(l.findings()));
    Map<Severity, Integer> bySeverity = new EnumMap<>(Severity.class);
    all.forEach(f -> bySeverity.merge(f.severity(), 1, Integer::sum));
    // The fleet's port filter matches these: every published port and host socket, as "3306/tcp".
    Set<String> portList = new TreeSet<>();
    report.exposures().forEach(e -> portList.add(e.hostPort() + "/" + e.protocol()));
    report.hostListeners().forEach(l -> portList.add(l.port() + "/" + l.protocol()));
    return new HostView(anchor, report.host(), snapshot, report.worst().label(), ports.size(),
        report.exposures().stream().filter(e -> !e.reachableFrom().isEmpty()).count(),
        listeners.size(), report.hostListeners().stream().filter(l -> !l.reachableFrom().isEmpty()).count(),
        counts(bySeverity), ports, listeners, FindingView.of(report.hostFindings()), report.expectedNotReachable(),
        report.notes(), ExposureMap.of(report), String.join(" ", portList));
  }

  static FleetView fleet(FleetReport fleet, String filterScript, String csp) {
    Map<Severity, Integer> byWorst = new EnumMap<>(Severity.class);
    List<HostView> hosts = new ArrayList<>();
    List<BadHost> bad = new ArrayList<>();
    for (FleetHost h : fleet.hosts()) {
      if (h.isBadInput()) {
        bad.add(new BadHost(h.host(), h.snapshot(), h.error()));
      } else {
        byWorst.merge(h.worstSeverity(), 1, Integer::sum);
        hosts.add(host(h.report(), "host-" + (hosts.size() + 1), h.snapshot()));
      }
    }
    return new FleetView(fleet.hostCount(), fleet.audited(), fleet.badInput(), fleet.worst().label(),
        counts(byWorst), rows(fleet.shared()), rows(fleet.sharedListeners()), bad, hosts, filterScript, csp);
  }

  private static List<SharedRow> rows(List<SharedExposure> shared) {
    return shared.stream().map(s -> new SharedRow(
        s.severity().label(), s.sentence(), String.join(", ", s.findings()), s.hosts())).toList();
  }

  private static List<Count> counts(Map<Severity, Integer> bySeverity) {
    List<Count> counts = new ArrayList<>();
    for (Severity s : List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)) {
      if (bySeverity.containsKey(s)) {
        counts.add(new Count(s.label(), bySeverity.get(s)));
      }
    }
    return counts;
  }

  /** Every source, {@code anywhere} for a whole family; the page has room for the full list. */
  private static String sources(List<String> cidrs) {
    if (cidrs.isEmpty()) {
      return "nobody";
    }
    return String.join(", ", cidrs.stream().map(c -> c.endsWith("/0") ? "anywhere" : c).distinct().toList());
  }

  private static String possibly(List<String> cidrs) {
    return cidrs.isEmpty() ? "" : sources(cidrs);
  }

  /** The deciding rule's citation; an answer no rule let in (loopback, nobody) has none. */
  private static String rule(String decidedBy) {
    return decidedBy.isEmpty() ? "-" : decidedBy;
  }

  private static String name(Exposure e) {
    return e.runtime().equals("docker") ? e.container() : e.container() + " (" + e.runtime() + ")";
  }
}
