package dev.breakwater.audit;

import dev.breakwater.host.PublishedPort;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.reach.AttackerChoice;
import dev.breakwater.reach.PortReach;
import dev.breakwater.reach.ReachNote;
import dev.breakwater.reach.SourceClass;
import dev.breakwater.reach.Verdict;
import dev.breakwater.catalog.DataStores;
import dev.breakwater.catalog.Severity;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns the engine's answers into findings. Pure: the same answers give the same report.
 *
 * <p>The judgement follows the incidents: a data store or the Docker API that strangers reach is
 * critical; a port UFW claims to deny but Docker lets through is the flaw itself (high); an answer
 * that depends on a rule we cannot model is never called safe.
 */
public final class Auditor {
  private Auditor() {}

  /**
   * @param ufwClaim what UFW says about a published port: {@code deny}, {@code allow}, {@code none}
   */
  public static AuditReport audit(
      String host, List<PortReach> reaches, Function<PublishedPort, String> ufwClaim, List<String> notes) {
    return audit(host, reaches, ufwClaim, notes, DockerFilterSite.DOCKER_USER);
  }

  /** @param site where this host's owner can filter published ports (the fixes name it) */
  static AuditReport audit(
      String host, List<PortReach> reaches, Function<PublishedPort, String> ufwClaim, List<String> notes,
      DockerFilterSite site) {
    List<Exposure> exposures = new ArrayList<>();
    for (PortReach reach : reaches) {
      exposures.add(judge(reach, ufwClaim.apply(reach.port()), site));
    }
    exposures.sort(Comparator.comparing(Exposure::severity).reversed()
        .thenComparing(Exposure::hostPort)
        .thenComparing(Exposure::container)
        .thenComparing(Exposure::hostIp));
    return new AuditReport(host, exposures, notes);
  }

  static Exposure judge(PortReach reach, String claim) {
    return judge(reach, claim, DockerFilterSite.DOCKER_USER);
  }

  static Exposure judge(PortReach reach, String claim, DockerFilterSite site) {
    PublishedPort port = reach.port();
    String proto = port.protocol().label();
    String image = reach.container().image();
    Optional<DataStores.Kind> store = DataStores.identify(image, port.containerPort());
    // Each is a sum over the engine's classes: add them up once.
    List<IPAddress> reachableFrom = reach.reachableFrom();
    List<IPAddress> possiblyFrom = reach.possiblyReachableFrom();
    boolean anywhere = reach.reachableFromAnywhere();
    Optional<Rule> decidedBy = reach.decidedBy();
    List<String> notes = new ArrayList<>(reach.notes().stream().map(ReachNote::text).toList());
    // The sender picks its source port and its SYN's flags: say which ones a reachable class needs.
    List<SourceClass> reachableClasses = reach.classes().stream().filter(c -> c.verdict() instanceof Verdict.Reachable).toList();
    for (SourceClass c : reachableClasses) {
      if (!c.needs().isEmpty()) {
        notes.add(describe(c.sources()) + " on " + c.ingress() + " get through "
            + c.needs().stream().map(AttackerChoice::describe).collect(Collectors.joining("; or ")));
      }
    }
    List<String> allNeed = reachableClasses.stream().allMatch(c -> !c.needs().isEmpty())
        ? reachableClasses.stream().flatMap(c -> c.needs().stream()).map(AttackerChoice::describe).distinct().toList()
        : List.of();
    boolean dockerUserInert = reach.notes().stream().anyMatch(n -> n instanceof ReachNote.DockerUserNotJumped);
    // Why an answer is "possibly": every note but the one about DOCKER-USER, which decides nothing.
    List<String> doubts = reach.notes().stream().filter(n -> !(n instanceof ReachNote.DockerUserNotJumped))
        .map(ReachNote::text).toList();
    // The audit calls an answer exact when nothing beyond the reachable sources is in doubt: a
    // class that is only "possibly" on one ingress but reachable on another leaves no doubt.
    boolean exact = possiblyFrom.isEmpty() && reach.uncertainBecause().isEmpty();
    boolean reachable = !reachableFrom.isEmpty();
    String sources = describe(reachableFrom);
    String why = (allNeed.isEmpty() ? "" : " " + String.join("; or ", allNeed))
        + decidedBy.map(r -> " (" + r.citation() + " lets it in)").orElse("");
    List<ExposureFinding> findings = new ArrayList<>();

    if (reachable && store.isPresent()) {
      boolean dockerApi = store.get().name().equals("Docker Engine API");
      // Reachable only from chosen sources is what a deliberate allow-list looks like: still worth
      // a look (those sources can try to log in), but not the incident that "anywhere" is.
      Severity severity = dockerApi || anywhere ? Severity.CRITICAL : Severity.MEDIUM;
      findings.add(new ExposureFinding(
          dockerApi ? "exposed-docker-api" : "exposed-data-store",
          severity,
          store.get().name() + " in " + reach.container().name() + " is reachable from " + sources
              + why + (dockerApi ? ": anyone there controls this host as root." : ": a stranger can try to log in, wipe or ransom it."),
          dockerApi
              ? "Never publish the Docker API; use SSH (DOCKER_HOST=ssh://host) or TLS with client certificates on 127.0.0.1."
              : "Do not publish " + store.get().name() + " to the internet: bind it to 127.0.0.1 ('127.0.0.1:"
                  + port.hostPort() + ":" + port.containerPort() + "') and reach it through an SSH tunnel "
                  + "('ssh -L " + port.hostPort() + ":127.0.0.1:" + port.hostPort() + " HOST'), "
                  + "or allow only known sources with 'breakwater plan --policy'; require authentication."));
    }
    if (reachable && claim.equals("deny")) {
      findings.add(new ExposureFinding(
          "ufw-bypass",
          anywhere ? Severity.HIGH : Severity.MEDIUM,
          "UFW denies " + port.hostPort() + "/" + proto + " but the port is reachable from " + sources + why
              + ": Docker's DNAT sends it through FORWARD, which UFW's INPUT rules never see.",
          site != DockerFilterSite.DOCKER_USER
              ? site.ufwBypassFix(port.hostPort())
              : dockerUserInert
              ? "Bind the port to 127.0.0.1 (or an internal address) if only this host needs it. Rules in DOCKER-USER"
                  + " do nothing here: FORWARD does not jump to it. Restore '-I FORWARD -j DOCKER-USER' first"
                  + " (restarting dockerd writes it back), then 'breakwater plan --policy FILE' writes and proves"
                  + " the filtering rules."
              : "Bind the port to 127.0.0.1 (or an internal address) if only this host needs it, or filter it in "
                  + "DOCKER-USER with '-m conntrack --ctorigdstport " + port.hostPort() + " --ctdir ORIGINAL' after an "
                  + "ESTABLISHED,RELATED return; 'breakwater plan --policy FILE' writes and proves those rules."));
    }
    if (!exact) {
      String possibly = "Possibly reachable from " + describe(possiblyFrom);
      findings.add(reach.uncertainBecause().isEmpty()
          ? new ExposureFinding(
              "possibly-reachable",
              store.isPresent() ? Severity.HIGH : Severity.MEDIUM,
              possibly + ": " + (doubts.isEmpty() ? "part of the firewall was not captured" : String.join("; ", doubts))
                  + ", so Breakwater cannot prove it blocked.",
              "Audit the live host as root, or add the missing outputs to the snapshot (docs/snapshot.md lists them; "
                  + "ip6tables-save.txt for IPv6).")
          : engineReasons(reach).isEmpty()
          ? new ExposureFinding(
              "possibly-reachable",
              store.isPresent() ? Severity.HIGH : Severity.MEDIUM,
              possibly + ": the answer depends on " + citeAll(reach.uncertainBecause())
                  + ", which Breakwater does not model exactly.",
              "Check that rule by hand, or express it with plain matches (-s, -i, --ctorigdstport) so it can be proved.")
          // The engine said why (a set filled at run time, a recent list, an unseen table): its words.
          : new ExposureFinding(
              "possibly-reachable",
              store.isPresent() ? Severity.HIGH : Severity.MEDIUM,
              possibly + ": the answer depends on " + citeAll(reach.uncertainBecause()) + ": "
                  + String.join("; ", engineReasons(reach)) + ".",
              "If strangers must never reach it, drop them before that rule with plain matches (-s, -i,"
                  + " --ctorigdstport) in DOCKER-USER, so the proof does not rest on what the host fills in at run time."));
    }
    if (port.boundToAll()) {
      findings.add(new ExposureFinding(
          "bound-all-interfaces",
          reachable ? Severity.LOW : Severity.INFO,
          "Published on all " + (port.hostIp().isIPv4() ? "IPv4" : "IPv6") + " addresses"
              + (reachable ? "" : "; only the firewall keeps strangers out, and a rule change would expose it") + ".",
          "Publish it on the address that needs it ('127.0.0.1:" + port.hostPort() + ":" + port.containerPort()
              + "'), or set \"ip\": \"127.0.0.1\" in /etc/docker/daemon.json to make that the default."));
    }
    findings.sort(Comparator.comparing(ExposureFinding::severity).reversed());

    return new Exposure(
        reach.container().name(),
        image,
        reach.container().composeProject(),
        reach.container().composeService(),
        port.hostIp().toCanonicalString(),
        port.hostPort(),
        proto,
        port.containerPort(),
        cidrs(reachableFrom),
        cidrs(possiblyFrom),
        exact,
        claim,
        decidedBy.map(Rule::citation).orElse(""),
        notes,
        findings,
        reach.container().runtime().label());
  }

  /** The engine's own reasons for the port's "possibly" classes ({@code Verdict.PossiblyReachable#reasons}), once each. */
  private static List<String> engineReasons(PortReach reach) {
    return reach.classes().stream()
        .map(SourceClass::verdict)
        .filter(v -> v instanceof Verdict.PossiblyReachable)
        .flatMap(v -> ((Verdict.PossiblyReachable) v).reasons().stream())
        .distinct()
        .toList();
  }

  static List<String> cidrs(List<IPAddress> prefixes) {
    return prefixes.stream().map(IPAddress::toPrefixLengthString).toList();
  }

  /** "anywhere (0.0.0.0/0)" reads better than the bare prefix; long lists are shortened. */
  static String describe(List<IPAddress> prefixes) {
    if (prefixes.isEmpty()) {
      return "some sources";
    }
    List<String> parts = prefixes.stream()
        .map(p -> p.getNetworkPrefixLength() != null && p.getNetworkPrefixLength() == 0
            ? "anywhere (" + p.toPrefixLengthString() + ")"
            : p.toPrefixLengthString())
        .toList();
    if (parts.size() <= 4) {
      return String.join(", ", parts);
    }
    return String.join(", ", parts.subList(0, 3)) + " and " + (parts.size() - 3) + " more";
  }

  static String citeAll(List<Rule> rules) {
    if (rules.isEmpty()) {
      return "facts Breakwater could not see";
    }
    return rules.stream().map(r -> r.citation() + " '" + r.text().trim() + "'").distinct().limit(3)
        .collect(Collectors.joining("; "));
  }
}
