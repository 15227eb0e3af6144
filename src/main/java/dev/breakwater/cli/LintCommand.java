package dev.breakwater.cli;


import dev.breakwater.compose.BadInputException;
import dev.breakwater.lint.LintFinding;
import dev.breakwater.lint.JsonFindings;
import dev.breakwater.lint.LintConfig;
import dev.breakwater.lint.LintTargets;
import dev.breakwater.lint.LintUnit;
import dev.breakwater.lint.Linter;
import dev.breakwater.lint.ProxyUpstreams;
import dev.breakwater.lint.RuleMeta;
import dev.breakwater.lint.Rules;
import dev.breakwater.lint.SarifLog;
import dev.breakwater.lint.TextFindings;
import dev.breakwater.catalog.Severity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Find unsafe port publishing in compose files and docker run lines.",
      "",
      "Reads compose files (compose.yaml, docker-compose.yml, their override files, any *compose*.y[a]ml) "
          + "and shell scripts / Makefiles with docker run, docker create or docker container run. "
          + "Directories are searched. Flags ports published on every address (they bypass UFW), "
          + "published data stores, -P, data stores on the host network, disabled authentication, "
          + "default passwords, the mounted Docker socket, privileged containers and UDP reflectors "
          + "(DNS, NTP, memcached ...). A reverse proxy's 80/443 is only a note; a port that an nginx or "
          + "Caddy config in the tree proxies to is named as internal.",
      "",
      "Silence a finding with a comment on its line or the line above: "
          + "# breakwater:ignore BW001 reason; or in .breakwater-lint.yaml (see --config).",
    },
    footer = {
      "",
      "Examples:",
      "  breakwater lint .                              every compose file and script below here",
      "  breakwater lint -f compose.yaml -f compose.prod.yaml   one project, merged like docker compose -f",
      "  breakwater lint deploy.sh Makefile",
      "  breakwater lint --format sarif . > breakwater.sarif    for GitHub code scanning",
      "  breakwater lint --fail-on critical .           exit 1 only for critical findings",
      "  breakwater lint --list-rules",
      "",
      "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad input (the file, line and column are named).",
    })
public final class LintCommand implements Callable<Integer> {

  enum Format { text, json, sarif }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "0..*",
      description = "Compose files, scripts, Makefiles or directories to search (default: .).")
  List<Path> paths = new ArrayList<>();

  @Option(names = {"-f", "--file"}, paramLabel = "FILE",
      description = "Compose files merged into one project, in order (like docker compose -f).")
  List<Path> composeFiles = new ArrayList<>();

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text (like a compiler), json or sarif (SARIF 2.1.0). Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "low",
      description = "Exit 1 when a finding is at or above: info, low, medium, high, critical. Default: ${DEFAULT-VALUE}.")
  String failOn;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Suppressions file (default: " + LintConfig.DEFAULT_NAME + " in the working directory, if any).")
  Path config;

  @Option(names = "--list-rules", description = "List the rules and exit.")
  boolean listRules;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (listRules) {
      for (RuleMeta m : Rules.metas()) {
        out.printf("%s  %-26s %-8s %s%n", m.id(), m.name(), m.severity().label(), m.summary());
      }
      return ExitCodes.CLEAN;
    }
    Severity threshold = Severity.tryParse(failOn).orElseThrow(() -> new UserError(
        "--fail-on: '" + failOn + "' is not a severity; use info, low, medium, high or critical"));
    LintConfig lintConfig = loadConfig(config);
    List<LintUnit> units = units(paths, composeFiles);
    Linter linter = new Linter(lintConfig, upstreams(paths, composeFiles));
    List<LintFinding> findings = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    int files = 0;
    // Units are independent: lint them in parallel, report them in the order they were found. Host
    // configuration files come last: a fail2ban jail and route_localnet are judged with the ports the others publish.
    List<LintUnit> declaring = units.stream().filter(u -> !(u instanceof LintUnit.HostConfigFiles)).toList();
    List<Object> results = new ArrayList<>(lintAll(linter, declaring));
    List<Linter.Result> declared = results.stream().filter(r -> r instanceof Linter.Result).map(r -> (Linter.Result) r).toList();
    results.addAll(lintAll(linter.withPublished(declared.stream().flatMap(r -> r.published().stream()).toList(),
            declared.stream().flatMap(r -> r.loopbackPublished().stream()).toList()),
        units.stream().filter(u -> u instanceof LintUnit.HostConfigFiles).toList()));
    for (Object r : results) {
      if (r instanceof Linter.Result result) {
        findings.addAll(result.findings());
        files += result.files().size();
      } else {
        errors.add((String) r);
      }
    }
    switch (format) {
      case text -> {
        out.print(TextFindings.render(findings));
        err.println(TextFindings.summary(findings, files));
      }
      case json -> out.print(Json.write(JsonFindings.document(findings, files)));
      case sarif -> out.print(Json.write(SarifLog.document(findings, version())));
    }
    out.flush();
    errors.forEach(e -> err.println("breakwater: " + e));
    if (!errors.isEmpty()) {
      return ExitCodes.BAD_INPUT;
    }
    boolean failing = findings.stream().anyMatch(f -> !f.suppressed() && f.severity().atLeast(threshold));
    return failing ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
  }

  private static List<Object> lintAll(Linter linter, List<LintUnit> units) {
    return units.parallelStream().map(unit -> {
      try {
        return (Object) linter.lint(unit);
      } catch (BadInputException e) {
        return e.getMessage();
      }
    }).toList();
  }

  static LintConfig loadConfig(Path config) {
    if (config != null) {
      return LintConfig.load(config);
    }
    Path implicit = Path.of(LintConfig.DEFAULT_NAME);
    return java.nio.file.Files.isRegularFile(implicit) ? LintConfig.load(implicit) : LintConfig.empty();
  }

  /** The ports a reverse proxy config in the linted tree reaches: a bounded scan, see ProxyUpstreams. */
  static ProxyUpstreams upstreams(List<Path> paths, List<Path> composeFiles) {
    List<Path> roots = new ArrayList<>(composeFiles);
    if (!paths.isEmpty() || composeFiles.isEmpty()) {
      roots.addAll(paths.isEmpty() ? List.of(Path.of(".")) : paths);
    }
    return ProxyUpstreams.scan(roots);
  }

  static List<LintUnit> units(List<Path> paths, List<Path> composeFiles) {
    List<LintUnit> units = new ArrayList<>();
    if (!composeFiles.isEmpty()) {
      for (Path f : composeFiles) {
        if (!java.nio.file.Files.isRegularFile(f)) {
          throw new UserError(f + ": no such compose file");
        }
      }
      units.add(new LintUnit.ComposeProject(composeFiles));
    }
    if (!paths.isEmpty() || composeFiles.isEmpty()) {
      List<Path> search = paths.isEmpty() ? List.of(Path.of(".")) : paths;
      units.addAll(LintTargets.discover(search));
      if (units.isEmpty()) {
        throw new UserError("no compose files or scripts found in " + search
            + " (looked for *compose*.y[a]ml, *.sh, *.bash, Makefile, *.mk and shell scripts)");
      }
    }
    return units;
  }

  private static String version() {
    String v = LintCommand.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0" : v;
  }
}
