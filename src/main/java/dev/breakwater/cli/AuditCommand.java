package dev.breakwater.cli;

import dev.breakwater.gather.Facts;

import dev.breakwater.audit.AuditHtml;
import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.AuditText;
import dev.breakwater.audit.ExpectedOpen;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.audit.FleetAudit;
import dev.breakwater.audit.FleetReport;
import dev.breakwater.audit.FleetText;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.host.HostFacts;
import dev.breakwater.catalog.Severity;
import dev.breakwater.snapshot.FleetDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Who can reach each published port, what UFW claims, and the gap.",
    description = {
      "For every port a container publishes: the exact set of source addresses outside this host "
          + "that reach it (computed from the iptables rules, not guessed), what UFW says about that "
          + "port, and findings with a concrete fix. Data stores and the Docker API reachable from "
          + "outside are critical; a port UFW denies but Docker lets through is the flaw itself.",
      "",
      "Without --from it audits this host live (needs root: it reads iptables and the Docker socket).",
      "",
      "A fleet: --from a directory whose subdirectories are snapshots (one per host), or --from "
          + "given several times. Every host is audited in parallel; the report groups the exposures "
          + "hosts share, worst first, then lists the hosts, worst first (docs/fleet.md)."
    },
    footer = {
      "",
      "Examples:",
      "  sudo breakwater audit",
      "  breakwater audit --from ./snap --format json | jq '.exposures[] | select(.reachableFrom != [])'",
      "  breakwater audit --from ./snap --fail-on critical      # in CI: fail only on critical",
      "  breakwater audit --from ./fleet                        # every snapshot in ./fleet/*",
      "  breakwater audit --from ./fleet --format html > fleet.html  # one page, opens offline",
      "  sudo breakwater audit --expect-open 22/tcp,80/tcp,443  # anything else reachable is a finding",
      "",
      "A snapshot directory holds plain command outputs (iptables-save.txt, docker-inspect.json,",
      "ip-addr.json, ...): 'breakwater snapshot --out DIR' writes one; docs/snapshot.md lists them.",
      "",
      "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad input.",
      "A fleet: 1 also when some snapshot is bad input (that host cannot be called clean); 2 only",
      "when every snapshot is bad input."
    })
public final class AuditCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--from", paramLabel = "DIR",
      description = "Audit this snapshot directory instead of the live host; a directory of snapshots, "
          + "or --from repeated, audits a fleet.")
  List<Path> from;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (for people, default), json (for scripts) or html (one self-contained page: "
          + "breakwater audit --format html > audit.html).")
  AuditFormat format;

  @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "high",
      description = "Exit 1 when a finding is at least this severe: info, low, medium, high (default), critical.")
  Severity failOn;

  @Option(names = "--expect-open", paramLabel = "PORT[/PROTO][,...]",
      description = "Ports meant to be reachable from outside, such as 22/tcp,443 (a bare port is tcp and udp; "
          + "repeatable). A published port or host listener that outside sources reach and that is not listed is an "
          + "'unexpected-open' finding (high); a listed one is reported as expected; a listed port nothing answers "
          + "on is said too. The host's listeners come from ss -Htulnp (ss-listening.txt in a snapshot).")
  List<String> expectOpen;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "Read the ports meant to be reachable from outside from this policy file's 'expect-open:' list "
          + "(the rest of the file is checked but not used by audit). With --expect-open too, a port is expected when "
          + "either names it.")
  Path policy;

  @Override
  public Integer call() {
    ExpectedOpen expected = expectedOpen();
    List<Path> froms = from == null ? List.of() : from;
    if (froms.size() > 1 || (froms.size() == 1 && FleetDirectory.isFleet(froms.get(0)))) {
      return fleet(FleetDirectory.expand(froms), expected);
    }
    HostFacts facts = froms.isEmpty() ? Facts.fromLiveHost(spec.commandLine().getErr()) : Facts.fromSnapshot(froms.get(0));
    AuditReport report = HostAudit.run(facts, expected);
    print(switch (format) {
      case TEXT -> AuditText.render(report);
      case JSON -> Json.write(report);
      case HTML -> AuditHtml.render(report);
    });
    return report.failsAt(failOn) ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
  }

  /** The policy file's {@code expect-open:} and the option's ports, merged. */
  private ExpectedOpen expectedOpen() {
    ExpectedOpen fromFile = ExpectedOpen.NONE;
    if (policy != null) {
      Policy parsed = PolicyFile.read(policy);
      fromFile = ExpectedOpen.of(parsed.expectOpen().orElseThrow(() -> new UserError("--policy " + policy
          + ": expected an 'expect-open:' list in the policy (such as 'expect-open: [22/tcp, 443]'): audit reads only that")));
    }
    if (expectOpen == null || expectOpen.isEmpty()) {
      return fromFile;
    }
    try {
      return ExpectedOpen.parse(expectOpen).and(fromFile);
    } catch (IllegalArgumentException e) {
      throw new UserError("--expect-open " + String.join(",", expectOpen) + ": " + e.getMessage());
    }
  }

  private int fleet(List<Path> snapshots, ExpectedOpen expected) {
    FleetReport fleet = FleetAudit.of(FleetRun.audit(snapshots, expected));
    print(switch (format) {
      case TEXT -> FleetText.render(fleet);
      case JSON -> Json.write(fleet);
      case HTML -> AuditHtml.render(fleet);
    });
    if (fleet.badInput() > 0) {
      spec.commandLine().getErr().println("breakwater: " + fleet.badInput() + " of " + fleet.hostCount()
          + " snapshots " + (fleet.badInput() == 1 ? "is" : "are") + " bad input and not audited (each named in the report)");
      spec.commandLine().getErr().flush();
    }
    if (fleet.allBadInput()) {
      return ExitCodes.BAD_INPUT;
    }
    return fleet.failsAt(failOn) ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
  }

  private void print(String rendered) {
    spec.commandLine().getOut().print(rendered);
    spec.commandLine().getOut().flush();
  }
}
