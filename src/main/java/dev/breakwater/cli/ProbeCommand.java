package dev.breakwater.cli;


import dev.breakwater.net.Transport;
import dev.breakwater.probe.CheckOptions;
import dev.breakwater.probe.Expectation;
import dev.breakwater.probe.Logins;
import dev.breakwater.probe.PortSelection;
import dev.breakwater.probe.PredictionCheck;
import dev.breakwater.probe.ProbeJsonReport;
import dev.breakwater.probe.ProbeReport;
import dev.breakwater.probe.ProbeTextReport;
import dev.breakwater.probe.Prober;
import dev.breakwater.probe.ReachExpectations;
import dev.breakwater.probe.ScanSettings;
import dev.breakwater.probe.ServiceChecks;
import dev.breakwater.probe.ScanTargets;
import dev.breakwater.probe.VantagePoint;
import dev.breakwater.reach.PortReach;
import dev.breakwater.catalog.Severity;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "From outside: which ports answer, and which data stores let a stranger in.",
      "",
      "Run it from a machine outside your server (a laptop, a CI runner, another cloud) against "
          + "your own hosts. It connects to every chosen TCP port (thousands of non-blocking "
          + "connects at once, IPv4 and IPv6), then talks to what answered: Redis, PostgreSQL, "
          + "MySQL/MariaDB, MongoDB, Memcached, Elasticsearch/OpenSearch, the Docker API and web "
          + "servers, and says whether a stranger gets in and how to fix it.",
      "",
      "Only probe hosts you own or have written permission to test.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  breakwater probe 198.51.100.7                     the 1000 most common ports and the data-store ports",
      "  breakwater probe db.example.org --ports 22,5432,6379",
      "  breakwater probe 198.51.100.0/28 2001:db8::7 --all   every port 1-65535 of 16 + 1 hosts",
      "  breakwater probe 198.51.100.7 --try-default-credentials --format json",
      "  breakwater probe 198.51.100.7 --ports 16379 --service 16379=redis",
      "  read -rs DB_PASSWORD; export DB_PASSWORD",
      "  breakwater probe db.example.org --ports 3306 --login mysql=root:DB_PASSWORD   log in, list open accounts",
      "",
      "A host whose firewall drops packets costs one --timeout per port; --concurrency connects "
          + "wait at once (each holds a file descriptor: see 'ulimit -n').",
      "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it (or a disagreement "
          + "with --expect-from), 2 bad input."
    })
public final class ProbeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "TARGET",
      description = "Host names, addresses (IPv4, IPv6) or CIDR blocks / ranges: 198.51.100.7, "
          + "2001:db8::7, 198.51.100.0/28, 198.51.100.1-20.")
  List<String> targets = new ArrayList<>();

  static final class PortChoice {
    @Option(names = "--ports", paramLabel = "LIST", description = "Ports and ranges: 22,80,8000-8100.")
    String list;

    @Option(names = "--top", paramLabel = "N",
        description = "The N most common ports, plus the data-store ports Breakwater checks (default: 1000).")
    Integer top;

    @Option(names = "--all", description = "Every port, 1-65535.")
    boolean all;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  PortChoice ports;

  @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
      description = "Output for people (text) or programs (json). Default: ${DEFAULT-VALUE}.")
  OutputFormat format;

  @Option(names = "--concurrency", defaultValue = "8192", paramLabel = "N",
      description = "Connects in flight at once. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(names = "--timeout", defaultValue = "1500", paramLabel = "MS",
      description = "How long one connect waits for an answer. Default: ${DEFAULT-VALUE} ms, which "
          + "covers the kernel's own SYN retransmission at 1 s, so one lost packet costs nothing.")
  long timeoutMillis;

  @Option(names = "--retries", defaultValue = "0", paramLabel = "N",
      description = "Extra passes over ports that did not answer, for very lossy paths. Default: ${DEFAULT-VALUE}.")
  int retries;

  @Option(names = "--check-timeout", defaultValue = "3000", paramLabel = "MS",
      description = "Timeout for each service conversation. Default: ${DEFAULT-VALUE} ms.")
  long checkTimeoutMillis;

  @Option(names = "--try-default-credentials",
      description = "Also try to log in with well-known empty credentials (MySQL/MariaDB root, empty password).")
  boolean tryDefaultCredentials;

  @Option(names = "--login", paramLabel = "[SERVICE=]USER[:ENV]",
      description = "Log in to the data stores found (mysql, postgresql, redis, mongodb; SERVICE= "
          + "for one only) as USER, the password read from the environment variable ENV (never "
          + "written on the command line, where ps and shell history show it), and report what "
          + "anyone holding these credentials could do: accounts open to every address or without "
          + "a password, pg_hba.conf trust lines, Redis users without a password, MongoDB users "
          + "owning every database. Repeatable. Example: --login mysql=root:DB_PASSWORD.")
  List<String> loginOptions = new ArrayList<>();

  @Option(names = "--login-file", paramLabel = "FILE",
      description = "Logins as lines 'SERVICE USER PASSWORD' (SERVICE '*' for every data store; "
          + "'#' comments). The file must be readable by its owner only (chmod 600).")
  Path loginFile;

  @Option(names = "--service", paramLabel = "PORT=NAME",
      description = "Check PORT as service NAME (redis, postgresql, mysql, mongodb, memcached, "
          + "elasticsearch, docker-api, http). Repeatable.")
  List<String> serviceOverrides = new ArrayList<>();

  @Option(names = "--allow-large-ranges",
      description = "Allow targets that add up to more than 256 addresses.")
  boolean allowLargeRanges;

  @Option(names = "--fail-on", defaultValue = "high", paramLabel = "SEVERITY",
      description = "Exit 1 when a finding is at least this severe (info, low, medium, high, critical). Default: ${DEFAULT-VALUE}.")
  Severity failOn;

  @Option(names = "--expect-from", paramLabel = "DIR",
      description = "Compare what answered with what the analysis of this snapshot directory (see "
          + "'breakwater snapshot') predicts for this vantage point; every published TCP port of the "
          + "snapshot is probed too. Exit 1 on any disagreement.")
  Path expectFrom;

  @Option(names = "--as", paramLabel = "ADDRESS",
      description = "With --expect-from: the source address the host sees this probe come from "
          + "(behind NAT, your public address). One per family. Default: this machine's own source "
          + "address toward the target.")
  List<String> vantageStated = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (!vantageStated.isEmpty() && expectFrom == null) {
      throw new UserError("--as states the vantage point for --expect-from; add --expect-from DIR");
    }
    List<InetAddress> stated = VantagePoint.parse(vantageStated);
    // Read and analyse the snapshot before probing: a bad directory is an error in a second, not
    // after a scan.
    Optional<List<PortReach>> reaches = Optional.ofNullable(expectFrom).map(Predictions::forSnapshot);
    ScanSettings scan;
    CheckOptions check;
    try {
      scan = new ScanSettings(FileDescriptors.capConcurrency(concurrency, err),
          Duration.ofMillis(timeoutMillis), retries);
      Logins logins = Logins.fromOptions(loginOptions, System::getenv);
      if (loginFile != null) {
        logins = logins.plus(Logins.fromFile(loginFile));
      }
      check = new CheckOptions(Duration.ofMillis(checkTimeoutMillis), tryDefaultCredentials, logins);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    ServiceChecks checks = ServiceChecks.withOverrides(ServiceChecks.parseOverrides(serviceOverrides));
    List<InetAddress> hosts = new ScanTargets(ScanTargets.DNS).addresses(targets, allowLargeRanges);
    List<InetAddress> vantages = reaches.isPresent() ? VantagePoint.resolve(stated, hosts) : List.of();
    Optional<ReachExpectations> predictions =
        reaches.map(r -> ReachExpectations.from(r, vantages, hosts));
    List<Integer> portList = withPredictedPorts(chosenPorts(), predictions, hosts);

    err.println("breakwater probe: " + portList.size() + " port(s) on " + hosts.size()
        + " host(s). Only probe hosts you own or have permission to test.");
    err.flush();
    ProgressLine progress = ProgressLine.onTerminal(err);
    ProbeReport report;
    try {
      report = new Prober(scan, check, checks).run(hosts, portList, progress);
    } catch (UncheckedIOException e) {
      throw new UserError(e.getMessage() + ": " + e.getCause().getMessage());
    } finally {
      progress.clear();
    }

    Optional<PredictionCheck> expected = predictions.map(p -> PredictionCheck.of(vantages, p, report.results()));
    if (format == OutputFormat.JSON) {
      out.print(Json.write(ProbeJsonReport.of(report, expected)));
    } else {
      ProbeTextReport.render(report, expected, out);
    }
    out.flush();
    boolean failing = report.findings().stream().anyMatch(f -> f.severity().atLeast(failOn))
        || expected.map(c -> !c.agrees()).orElse(false);
    return failing ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
  }

  /** The chosen ports plus every TCP port predicted on a probed host, so each prediction is tested. */
  private static List<Integer> withPredictedPorts(List<Integer> chosen, Optional<ReachExpectations> predictions,
      List<InetAddress> hosts) {
    if (predictions.isEmpty()) {
      return chosen;
    }
    LinkedHashSet<Integer> ports = new LinkedHashSet<>(chosen);
    for (Expectation e : predictions.get().expectations()) {
      if (e.proto() == Transport.TCP && hosts.contains(e.hostAddress().withoutPrefixLength().toInetAddress())) {
        ports.add(e.port());
      }
    }
    return ports.size() == chosen.size() ? chosen : List.copyOf(ports);
  }

  private List<Integer> chosenPorts() {
    if (ports == null) {
      return PortSelection.top(1000);
    }
    if (ports.all) {
      return PortSelection.all();
    }
    if (ports.list != null) {
      return PortSelection.parseList(ports.list);
    }
    return PortSelection.top(ports.top);
  }
}
