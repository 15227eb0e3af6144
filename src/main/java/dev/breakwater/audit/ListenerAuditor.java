package dev.breakwater.audit;

import dev.breakwater.catalog.DataStores;
import dev.breakwater.catalog.Severity;
import dev.breakwater.host.HostListener;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.reach.PortReach;
import dev.breakwater.reach.ReachNote;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges the host's own sockets: what the engine says reaches them through INPUT, what listens,
 * and whether the owner meant the port to be public ({@link ExpectedOpen}). Pure.
 */
final class ListenerAuditor {
  private ListenerAuditor() {}

  /**
   * @param reach the engine's answer; empty for a socket only the host can connect to (loopback,
   *     or bound to device lo), which no packet from outside reaches
   */
  static ListenerExposure judge(HostListener listener, Optional<PortReach> reach, String claim, ExpectedOpen expectedOpen) {
    List<IPAddress> reachableFrom = reach.map(PortReach::reachableFrom).orElse(List.of());
    List<IPAddress> possiblyFrom = reach.map(PortReach::possiblyReachableFrom).orElse(List.of());
    boolean anywhere = reach.map(PortReach::reachableFromAnywhere).orElse(false);
    Optional<Rule> decidedBy = reach.flatMap(PortReach::decidedBy);
    List<Rule> uncertain = reach.map(PortReach::uncertainBecause).orElse(List.of());
    boolean exact = possiblyFrom.isEmpty() && uncertain.isEmpty();
    boolean reachable = !reachableFrom.isEmpty();
    boolean expected = expectedOpen.expects(listener.port(), listener.protocol());
    String who = (listener.processName().isEmpty() ? "a process ss could not name (run ss as root)" : listener.processName())
        + " on " + listener.endpoint();
    String port = listener.port() + "/" + listener.protocol().label();
    String sources = Auditor.describe(reachableFrom);
    String why = decidedBy.map(r -> " (" + r.citation() + " lets it in)").orElse("");
    String closeIt = "bind it to 127.0.0.1 in its own configuration if only this host needs it, or "
        + decidedBy.map(r -> "remove " + r.citation() + " ('" + r.text().trim() + "'), the INPUT rule that lets it in")
            .orElse("deny " + port + " in INPUT (ufw deny " + port + ")");

    List<String> notes = new ArrayList<>();
    if (reach.isEmpty()) {
      notes.add(listener.device().map("lo"::equals).orElse(false)
          ? "bound to device lo: only the host itself can connect"
          : "bound to " + listener.addressText() + ": only the host itself can connect");
    }
    reach.ifPresent(r -> r.notes().stream().map(ReachNote::text).forEach(notes::add));
    if (expected) {
      notes.add("meant to be public (--expect-open " + port + ")");
    }

    List<ExposureFinding> findings = new ArrayList<>();
    Optional<DataStores.Kind> store = dataStore(listener);
    if (reachable && store.isPresent()) {
      boolean dockerApi = store.get().name().equals("Docker Engine API");
      findings.add(new ExposureFinding(
          dockerApi ? "exposed-docker-api" : "exposed-data-store",
          dockerApi || anywhere ? Severity.CRITICAL : Severity.MEDIUM,
          store.get().name() + " (" + who + ") is reachable from " + sources + why
              + (dockerApi ? ": anyone there controls this host as root." : ": a stranger can try to log in, wipe or ransom it."),
          dockerApi
              ? "Never expose the Docker API on TCP: remove the tcp:// entry from dockerd's -H or daemon.json \"hosts\"; "
                  + "use SSH (DOCKER_HOST=ssh://host) or TLS with client certificates on 127.0.0.1."
              : "Do not expose " + store.get().name() + " to the internet: " + closeIt
                  + "; reach it through an SSH tunnel ('ssh -L " + listener.port() + ":127.0.0.1:" + listener.port()
                  + " HOST') and require authentication."));
    }
    if (reachable && expectedOpen.given() && !expected) {
      findings.add(new ExposureFinding(
          "unexpected-open",
          Severity.HIGH,
          who + " is reachable from " + sources + why + ", and " + port + " is not in --expect-open ("
              + expectedOpen.describe() + ").",
          "Close it: " + closeIt + "; or, if it is meant to be public, add " + port + " to --expect-open."));
    } else if (reachable && !expectedOpen.given() && store.isEmpty()) {
      findings.add(new ExposureFinding(
          "host-port-open",
          Severity.LOW,
          who + " is reachable from " + sources + why + ".",
          "If it is meant to be public, say so with --expect-open " + port + " (then anything else open is a finding); "
              + "otherwise " + closeIt + "."));
    }
    // Doubt about a port meant to be public harms nobody: the classes still say it.
    if (!exact && !expected) {
      findings.add(new ExposureFinding(
          "possibly-reachable",
          store.isPresent() || (expectedOpen.given() && !expected) ? Severity.HIGH : Severity.MEDIUM,
          "Possibly reachable from " + Auditor.describe(possiblyFrom) + ": the answer depends on "
              + (uncertain.isEmpty() ? String.join("; ", notes) : Auditor.citeAll(uncertain))
              + ", so Breakwater cannot prove it blocked.",
          uncertain.isEmpty()
              ? "Audit the live host as root, or add the missing outputs to the snapshot (docs/snapshot.md lists them)."
              : "Check that rule by hand, or express it with plain matches (-s, -i, --dport) so it can be proved."));
    }
    findings.sort(Comparator.comparing(ExposureFinding::severity).reversed());
    return new ListenerExposure(
        listener.processName(),
        listener.processes().stream().map(HostListener.ListenerProcess::pid).toList(),
        listener.dualStack() ? "*" : listener.addressText(),
        listener.device().orElse(""),
        listener.port(),
        listener.protocol().label(),
        Auditor.cidrs(reachableFrom),
        Auditor.cidrs(possiblyFrom),
        exact,
        expected,
        claim,
        decidedBy.map(Rule::citation).orElse(""),
        notes,
        findings);
  }

  /**
   * What a host process is, by its name as an image name ({@code mysqld} is {@code mysql},
   * {@code redis-server} is {@code redis}, {@code mongod} is {@code mongo}) or its port.
   */
  static Optional<DataStores.Kind> dataStore(HostListener listener) {
    String name = listener.processName().toLowerCase(Locale.ROOT);
    List<String> candidates = new ArrayList<>(List.of(name));
    if (name.endsWith("-server")) {
      candidates.add(name.substring(0, name.length() - "-server".length()));
    }
    if (name.endsWith("d") && name.length() > 1) {
      candidates.add(name.substring(0, name.length() - 1));
    }
    for (String candidate : candidates) {
      for (DataStores.Kind kind : DataStores.kinds()) {
        if (kind.images().contains(candidate) && !candidate.equals("docker")) {
          return Optional.of(kind);
        }
      }
    }
    // dockerd on 2375/2376 is the Docker API; on another port (a registry mirror...) it is not known.
    return DataStores.identify("", listener.port());
  }
}
