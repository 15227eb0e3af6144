package dev.breakwater.cli;

import dev.breakwater.gather.Facts;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.AuditText;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.host.HostFacts;
import dev.breakwater.catalog.Severity;
import java.nio.file.Path;
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
      "Without --from it audits this host live (needs root: it reads iptables and the Docker socket)."
    },
    footer = {
      "",
      "Examples:",
      "  sudo breakwater audit",
      "  breakwater audit --from ./snap --format json | jq '.exposures[] | select(.reachableFrom != [])'",
      "  breakwater audit --from ./snap --fail-on critical      # in CI: fail only on critical",
      "",
      "A snapshot directory holds plain command outputs (iptables-save.txt, docker-inspect.json,",
      "ip-addr.json, ...): 'breakwater snapshot --out DIR' writes one; docs/snapshot.md lists them.",
      "",
      "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad input."
    })
public final class AuditCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--from", paramLabel = "DIR",
      description = "Audit this snapshot directory instead of the live host.")
  Path from;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (for people, default) or json (for scripts).")
  OutputFormat format;

  @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "high",
      description = "Exit 1 when a finding is at least this severe: info, low, medium, high (default), critical.")
  Severity failOn;

  @Override
  public Integer call() {
    HostFacts facts = from != null ? Facts.fromSnapshot(from) : Facts.fromLiveHost(spec.commandLine().getErr());
    AuditReport report = HostAudit.run(facts);
    String rendered = switch (format) {
      case TEXT -> AuditText.render(report);
      case JSON -> Json.write(report);
    };
    spec.commandLine().getOut().print(rendered);
    spec.commandLine().getOut().flush();
    return report.failsAt(failOn) ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
  }
}
