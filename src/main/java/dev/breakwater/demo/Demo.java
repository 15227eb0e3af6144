package dev.breakwater.demo;

import dev.breakwater.lab.AttackerProbe;
import dev.breakwater.lab.AuditCheck;
import dev.breakwater.lab.Lab;
import dev.breakwater.lab.LabPackages;
import dev.breakwater.lab.Namespaces;
import dev.breakwater.lab.Scenario;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.AuditText;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.host.Container;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.net.Transport;
import dev.breakwater.ufw.UfwClaim;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@code breakwater demo}: the seed incident in a disposable lab, audited, proven from the
 * attacker's side, fixed and proven again, then removed. Every step says what it proves.
 *
 * <p>The audit is passed in ({@code HostFacts -> AuditReport}), so the demo runs the same
 * engine as {@code breakwater audit}; so is the fix ({@link DemoFix}), the seam for
 * {@code breakwater plan}.
 */
public final class Demo {
  public static final int DB_PORT = 3306;
  static final int CACHE_PORT = 6379;
  static final int WEB_PORT = 8080;
  private static final String INDENT = "     ";

  static final int OUTSIDE_PORT = 9000;

  /**
   * What the demo showed; each flag is a real connection's result, not the audit's.
   *
   * @param fixHolds after the fix, 3306 is closed to every outsider but the office and 8080 is open to all
   * @param officeGetsIn after the fix, the office (the fix's allowed source) still reaches 3306
   * @param containersReachOut after the fix, a container's own connection to the outside got its reply
   */
  public record Outcome(boolean bypassProven, boolean cacheBlocked, boolean webReached, boolean fixHolds,
      boolean officeGetsIn, boolean containersReachOut, Optional<List<String>> auditDisagreements) {
    public boolean asExpected() {
      return bypassProven && cacheBlocked && webReached && fixHolds && officeGetsIn && containersReachOut
          && auditDisagreements.map(List::isEmpty).orElse(true);
    }
  }

  private record AfterFix(List<AttackerProbe.Result> probes, Lab.OutboundResult outbound) {}

  private final PrintStream out;
  private final Path labRoot;
  private final Optional<Function<HostFacts, AuditReport>> audit;
  private final DemoFix fix;
  private int step;
  private volatile boolean interrupted;
  private boolean leftBehind;

  public Demo(PrintStream out, Path labRoot, Optional<Function<HostFacts, AuditReport>> audit, DemoFix fix) {
    this.out = out;
    this.labRoot = labRoot;
    this.audit = audit;
    this.fix = fix;
  }

  /** True once Ctrl-C or SIGTERM started removing the lab: whatever the steps report after that is noise. */
  public boolean interrupted() {
    return interrupted;
  }

  /** True when the clean-up step could not remove all of the lab (it said what to run). */
  public boolean leftBehind() {
    return leftBehind;
  }

  /** The opening lines. */
  public void introduce() {
    out.println("Breakwater demo: UFW says \"deny\", Docker lets the connection in anyway.");
    out.println("Everything happens in throw-away network namespaces; this machine's own network,");
    out.println("firewall, UFW files and Docker are not touched. It takes about half a minute.");
  }

  /**
   * Step 1: finds missing Debian packages, says what each is for, and installs them when
   * {@code consent} agrees (it is asked only when something is missing).
   */
  public void checkMachine(LabPackages packages, Predicate<List<LabPackages.DebianPackage>> consent) {
    heading("Checking this machine", "root, and the programs the lab is made of");
    List<LabPackages.DebianPackage> missing = packages.missing();
    if (missing.isEmpty()) {
      line("all present: " + String.join(", ", LabPackages.NEEDED.stream().map(LabPackages.DebianPackage::name).toList()));
      return;
    }
    line("missing Debian packages:");
    for (LabPackages.DebianPackage p : missing) {
      line("  " + p.name() + " - " + p.why());
    }
    if (!consent.test(missing)) {
      throw new dev.breakwater.problem.EnvironmentProblem("the demo needs " + String.join(", ", missing.stream().map(LabPackages.DebianPackage::name).toList())
          + ": install them (sudo apt-get install -y " + String.join(" ", missing.stream().map(LabPackages.DebianPackage::name).toList())
          + ") or run 'sudo breakwater demo --yes'");
    }
    line("installing with apt-get; no service is started now (docker.io's own daemon starts at the next boot "
        + "unless you run 'systemctl disable docker')");
    packages.install(missing);
    List<LabPackages.DebianPackage> still = packages.missing();
    if (!still.isEmpty()) {
      throw new dev.breakwater.problem.EnvironmentProblem("still missing after apt-get: " + String.join(", ", still.stream().map(LabPackages.DebianPackage::name).toList()));
    }
    line("installed.");
  }

  /** Steps 2 to 7. The lab is always removed at the end, also on failure or Ctrl-C. */
  public Outcome run() {
    Lab lab = new Lab(labRoot, text -> detail(text));
    // Ctrl-C or SIGTERM: the JVM runs this hook while the steps may still be running; down() is
    // synchronized, so the steps' own clean-up afterwards finds nothing left to remove.
    Thread cleanupOnInterrupt = new Thread(() -> {
      interrupted = true;
      out.println();
      out.println("Interrupted: removing the lab ...");
      lab.down();
      out.println("removed.");
    }, "breakwater-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanupOnInterrupt);
    try {
      buildLab(lab);
      HostFacts facts = ufwClaims(lab);
      Optional<AuditReport> report = audit(facts);
      List<AttackerProbe.Result> before = prove(lab, facts, report);
      AfterFix after = applyFix(lab, facts);
      String office = fix.allowedSource();
      return new Outcome(
          reachedFromAll(before, DB_PORT),
          reachedFromNone(before, CACHE_PORT) && cacheAnswersInside(lab),
          reachedFromAll(before, WEB_PORT),
          reachedOnlyFrom(after.probes(), DB_PORT, office) && reachedFromAll(after.probes(), WEB_PORT),
          after.probes().stream().anyMatch(r -> r.probe().port() == DB_PORT && r.probe().source().equals(office) && r.reached()),
          after.outbound().answered(),
          report.map(r -> AuditCheck.compare(r, before).stream().map(AuditCheck.Disagreement::describe).toList()));
    } finally {
      cleanUp(lab);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanupOnInterrupt);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already exiting: the hook runs down() again, which is harmless.
      }
    }
  }

  private void buildLab(Lab lab) {
    heading("Building a disposable Docker host", "a real kernel, dockerd and UFW to attack, inside namespaces");
    long start = System.nanoTime();
    lab.up(Scenario.seedIncident());
    line(String.format("ready in %.1fs: host %s (%s), attacker %s", seconds(start), Lab.HOST_ADDRESS, Lab.HOST_ADDRESS_V6,
        String.join(", ", Lab.ATTACKER_ADDRESSES)));
    line("db     published 3306:3306            a MySQL-like service");
    line("cache  published 127.0.0.1:6379:6379  a cache, bound to the host's loopback");
    line("web    published 8080:80              the public web site");
  }

  private HostFacts ufwClaims(Lab lab) {
    heading("What UFW claims", "the belief: ufw status inside the lab host");
    Path snapshot = labRoot.resolve("snapshot");
    lab.snapshot(snapshot);
    HostFacts facts = SnapshotDirectory.read(snapshot);
    facts.ufw().ifPresentOrElse(ufw -> {
      line("Status: " + (ufw.active() ? "active" : "inactive") + ", default " + ufw.defaultIncoming() + " incoming");
      for (int port : List.of(DB_PORT, CACHE_PORT, WEB_PORT)) {
        UfwClaim claim = ufw.claimFor(port, Transport.TCP);
        line(String.format("%-5d %-5s %s", port, claim.label(), ufw.ruleFor(port, Transport.TCP)
            .map(r -> "(rule " + r.to() + " " + r.action() + ")").orElse("(default policy)")));
      }
      line("so UFW says: only 8080 (and ssh) can be reached from outside.");
    }, () -> line("ufw status gave nothing (unexpected in the lab)"));
    return facts;
  }

  private Optional<AuditReport> audit(HostFacts facts) {
    heading("Breakwater's audit", "what the kernel's rules really allow, read from a snapshot of the lab host");
    if (audit.isEmpty()) {
      line("(this build has no audit engine yet: the connections below are the ground truth on their own)");
      line("snapshot read: " + facts.containers().size() + " containers, " + facts.ipv4().tables().size()
          + " IPv4 tables" + (facts.ipv6().isPresent() ? " and IPv6" : "") + ", UFW " + facts.ufw().map(u -> u.active() ? "active" : "inactive").orElse("absent"));
      return Optional.empty();
    }
    AuditReport report = audit.get().apply(facts);
    // The table and the one finding the demo is about; 'breakwater audit' prints every why and fix.
    for (String l : AuditText.render(report).split("\n")) {
      if (l.startsWith("Why, and what to do")) {
        break;
      }
      if (!l.isBlank()) {
        line(l);
      }
    }
    report.exposures().stream().flatMap(e -> e.findings().stream()).filter(f -> f.id().equals("ufw-bypass")).findFirst()
        .ifPresent(f -> line("ufw-bypass: " + f.message()));
    return Optional.of(report);
  }

  private List<AttackerProbe.Result> prove(Lab lab, HostFacts facts, Optional<AuditReport> report) {
    heading("Proof from outside", "real TCP connections from the attacker's three addresses");
    List<AttackerProbe.Result> results = lab.probeEveryPublishedPort();
    Map<Integer, String> names = containerByPort(facts);
    for (Map.Entry<Integer, List<AttackerProbe.Result>> port : byPort(results).entrySet()) {
      int number = port.getKey();
      List<AttackerProbe.Result> reached = port.getValue().stream().filter(AttackerProbe.Result::reached).toList();
      UfwClaim claim = facts.ufw().map(u -> u.claimFor(number, Transport.TCP)).orElse(UfwClaim.NONE);
      String who = String.format("%-5s %-5d", names.getOrDefault(number, "?"), number);
      if (reached.isEmpty()) {
        line(who + " blocked from all " + port.getValue().size() + (loopbackOnly(facts, number) ? " (it is bound to 127.0.0.1)" : ""));
      } else {
        String banner = reached.stream().map(AttackerProbe.Result::banner).filter(b -> !b.isEmpty()).findFirst()
            .map(b -> ", it answered \"" + b + "\"").orElse("");
        String verdict = claim == UfwClaim.DENY ? "  <-- UFW BYPASS: UFW denies this port" : claim == UfwClaim.ALLOW ? "  (UFW allows it: as intended)" : "";
        line(who + (claim == UfwClaim.DENY ? " REACHED" : " reached") + " from " + String.join(", ", reached.stream().map(r -> r.probe().source()).toList()) + banner + verdict);
      }
    }
    if (cacheAnswersInside(lab)) {
      line("cache 6379 answers on 127.0.0.1 inside the host: it runs, it is just not published outside.");
    }
    AttackerProbe.Result neighbour = lab.probeLoopbackAsNeighbour(CACHE_PORT);
    line(neighbour.reached()
        ? "but a neighbour on the host's own link that sends to 127.0.0.1:6379 DOES reach the cache (it answered \""
            + neighbour.banner() + "\"): Docker before 28 DNATs such packets too."
        : "a neighbour on the host's own link sending to 127.0.0.1:6379 is dropped as well (Docker 28's raw-table rule).");
    report.ifPresent(r -> {
      List<AuditCheck.Disagreement> disagreements = AuditCheck.compare(r, results);
      if (disagreements.isEmpty()) {
        line("The audit predicted all " + results.size() + " connections exactly.");
      } else {
        line("The audit and the kernel disagree on " + disagreements.size() + " of " + results.size() + " connections:");
        disagreements.forEach(d -> line("  " + d.describe()));
      }
    });
    return results;
  }

  private AfterFix applyFix(Lab lab, HostFacts facts) {
    heading("The fix, proven", "close 3306 to outsiders, keep the office, the web site and the containers' own connections working");
    line(fix.origin() + ":");
    fix.apply(lab, facts).forEach(this::detail);
    List<AttackerProbe.Result> results = lab.probeEveryPublishedPort();
    Map<Integer, String> names = containerByPort(facts);
    for (Map.Entry<Integer, List<AttackerProbe.Result>> port : byPort(results).entrySet()) {
      line(String.format("%-5s %-5d %s", names.getOrDefault(port.getKey(), "?"), port.getKey(), whoGotIn(port.getValue())));
    }
    Lab.OutboundResult out = lab.containerConnectsOut("db", OUTSIDE_PORT);
    String from = String.format("%-5s %-5s", out.container(), "out");
    line(out.answered()
        ? from + " " + out.containerAddress() + " -> " + out.target() + ":" + out.port() + " (a server outside) connected and got its reply \""
            + out.reply() + "\" (replies pass BREAKWATER's first rule, RELATED,ESTABLISHED -> RETURN)"
        : from + " " + out.containerAddress() + " -> " + out.target() + ":" + out.port() + " (a server outside) got no reply"
            + (out.reply().isEmpty() ? "" : " but \"" + out.reply() + "\"") + ": the fix broke the containers' own connections");
    return new AfterFix(results, out);
  }

  /** "reached from all 3", "blocked from all 3", or who got in (the fix's allowed source named as the office) and who did not. */
  private String whoGotIn(List<AttackerProbe.Result> forPort) {
    List<String> reached = forPort.stream().filter(AttackerProbe.Result::reached).map(r -> named(r.probe().source())).toList();
    List<String> blocked = forPort.stream().filter(r -> !r.reached()).map(r -> named(r.probe().source())).toList();
    if (blocked.isEmpty()) {
      return "reached from all " + forPort.size();
    }
    if (reached.isEmpty()) {
      return "blocked from all " + forPort.size();
    }
    return "reached from " + String.join(", ", reached) + ", blocked from " + String.join(", ", blocked);
  }

  private String named(String source) {
    return source.equals(fix.allowedSource()) ? source + " (the office)" : source;
  }

  private void cleanUp(Lab lab) {
    if (interrupted) {
      lab.down(); // Waits for the hook's own down() to finish.
      return;
    }
    heading("Cleaning up", "nothing is left behind");
    long start = System.nanoTime();
    try {
      lab.down();
    } catch (RuntimeException e) {
      leftBehind = true;
      line("removing the lab failed: " + e.getMessage());
      line("run 'sudo breakwater lab down' to finish");
      return;
    }
    boolean clean = !Namespaces.exists(Lab.HOST_NS) && !Namespaces.exists(Lab.ATTACKER_NS) && !Files.exists(labRoot);
    leftBehind = !clean;
    line(String.format(clean ? "namespaces, dockerd, mounts and files removed in %.1fs" : "some of the lab is still there after %.1fs: run 'sudo breakwater lab down'",
        seconds(start)));
  }

  private static boolean cacheAnswersInside(Lab lab) {
    CommandRunner.Result inside = lab.onHost(List.of("busybox", "nc", "-w", "2", "127.0.0.1", Integer.toString(CACHE_PORT)), Duration.ofSeconds(10));
    return inside.stdout().contains("redis-like");
  }

  private static Map<Integer, List<AttackerProbe.Result>> byPort(List<AttackerProbe.Result> results) {
    Map<Integer, List<AttackerProbe.Result>> byPort = new TreeMap<>();
    for (AttackerProbe.Result r : results) {
      byPort.computeIfAbsent(r.probe().port(), p -> new ArrayList<>()).add(r);
    }
    return byPort;
  }

  private static Map<Integer, String> containerByPort(HostFacts facts) {
    Map<Integer, String> names = new LinkedHashMap<>();
    for (Container c : facts.containers()) {
      c.ports().forEach(p -> names.putIfAbsent(p.hostPort(), c.name()));
    }
    return names;
  }

  private static boolean loopbackOnly(HostFacts facts, int port) {
    List<PublishedPort> bindings = facts.containers().stream().flatMap(c -> c.ports().stream()).filter(p -> p.hostPort() == port).toList();
    return !bindings.isEmpty() && bindings.stream().allMatch(p -> p.hostIp().isLoopback());
  }

  public static boolean reachedFromAll(List<AttackerProbe.Result> results, int port) {
    List<AttackerProbe.Result> forPort = results.stream().filter(r -> r.probe().port() == port).toList();
    return forPort.size() == Lab.ATTACKER_ADDRESSES.size() && forPort.stream().allMatch(AttackerProbe.Result::reached);
  }

  /** Every attacker address was probed on {@code port} and only {@code source} got in. */
  static boolean reachedOnlyFrom(List<AttackerProbe.Result> results, int port, String source) {
    List<AttackerProbe.Result> forPort = results.stream().filter(r -> r.probe().port() == port).toList();
    return forPort.size() == Lab.ATTACKER_ADDRESSES.size()
        && forPort.stream().allMatch(r -> r.reached() == r.probe().source().equals(source));
  }

  static boolean reachedFromNone(List<AttackerProbe.Result> results, int port) {
    List<AttackerProbe.Result> forPort = results.stream().filter(r -> r.probe().port() == port).toList();
    return forPort.size() == Lab.ATTACKER_ADDRESSES.size() && forPort.stream().noneMatch(AttackerProbe.Result::reached);
  }

  private void heading(String title, String proves) {
    if (interrupted) {
      return; // The steps may run on while the hook removes the lab: keep its message last.
    }
    step++;
    out.println();
    out.println(step + ". " + title + " - " + proves);
  }

  private void line(String text) {
    if (interrupted) {
      return;
    }
    out.println(INDENT + text);
  }

  private void detail(String text) {
    if (interrupted) {
      return;
    }
    out.println(INDENT + "  · " + text);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
