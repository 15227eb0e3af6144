package dev.breakwater.cli;

import dev.breakwater.gather.PolicyFacts;

import dev.breakwater.docker.DockerApiException;
import dev.breakwater.docker.DockerClient;
import dev.breakwater.host.HostFacts;
import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.firewall.ChangeJournal;
import dev.breakwater.firewall.FlowCut;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.watch.Aftercare;
import dev.breakwater.watch.CorrectionProof;
import dev.breakwater.watch.JournalGate;
import dev.breakwater.watch.NftEnforcer;
import java.util.List;
import java.util.function.Supplier;
import dev.breakwater.system.CommandFailed;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.plan.Plan;
import dev.breakwater.plan.PlanText;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.gather.LiveHostReader;
import dev.breakwater.watch.MetricsAddress;
import dev.breakwater.watch.WatchLog;
import dev.breakwater.watch.WatchMetrics;
import dev.breakwater.watch.WatchSession;
import dev.breakwater.watch.DockerEventConnection;
import dev.breakwater.gather.HostReader;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Keep a policy in force as containers and the firewall change.",
    description = {
      "Plans and proves the policy as 'apply' does (and refuses to start if the proof fails), puts "
          + "it in force, then follows Docker's events (container start, stop, die; network "
          + "connect, disconnect) and re-checks the firewall on each of them and every --interval: "
          + "it compiles the policy for the containers running now, compares the result with the "
          + "BREAKWATER chain in iptables-save, and re-applies it (one transaction, verified) when "
          + "it drifted: a container started that needs an allow, someone flushed the chain, "
          + "dockerd rebuilt DOCKER-USER.",
      "",
      "Each correction takes the state directory's lock, as apply, confirm, rollback and the "
          + "rollback timer do, and records no change (one line in journal.log). While a change "
          + "waits for confirm ('apply --confirm-within') or never finished, corrections are "
          + "deferred (event=correction-deferred) until it is confirmed or rolled back; a policy "
          + "confirmed while watch runs is the one it keeps from then on (event=policy-followed).",
      "",
      "Every change is one log line on standard output (key=value), for example:",
      "  ts=2026-11-24T16:05:01.042Z event=drift-corrected chain=BREAKWATER",
      "    family=ipv4 added=2 removed=0 latency_ms=37 apply_ms=31",
      "    cause=container-start container=db",
      "When dockerd goes away, watch says so and reconnects with back-off, then re-checks. "
          + "With 'default: deny', a container that starts is never reachable from outside before "
          + "its allow is in place: the chain's catch-all drops it until then. Needs root.",
      "",
      "With --metrics, Prometheus metrics are served on http://ADDRESS:PORT/metrics: "
          + "breakwater_published_ports{verdict}, breakwater_drift_corrections_total, "
          + "breakwater_last_apply_timestamp_seconds, breakwater_apply_latency_seconds, "
          + "breakwater_checks_total{result}. See docs/watch.md."
    },
    footer = {
      "",
      "Examples:",
      "  sudo breakwater watch --policy /etc/breakwater/policy.yml",
      "  sudo breakwater watch --policy p.yml --metrics 127.0.0.1:9105 --interval 1m",
      "  # against the lab ('sudo breakwater lab up'):",
      "  sudo DOCKER_HOST=unix:///run/breakwater-lab/docker.sock \\",
      "    breakwater watch --policy p.yml --netns bwl-host",
      "",
      "Runs until stopped (SIGTERM, Ctrl-C).",
      "As a service: packaging/breakwater-watch.service",
      "Exit codes: 0 stopped, 1 the policy's proof failed (nothing changed),",
      "2 bad input or environment."
    })
public final class WatchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--policy", paramLabel = "FILE", required = true, description = "The policy file (YAML, see docs/policy.md).")
  Path policy;

  @Option(names = "--metrics", paramLabel = "ADDRESS:PORT",
      description = "Serve Prometheus metrics here (127.0.0.1:9105, [::1]:9105, :9105 for every address of both families, 9105 for 127.0.0.1).")
  String metrics;

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "30s",
      description = "Re-check this often even without Docker events, to undo hand edits (default: ${DEFAULT-VALUE}).")
  String interval;

  @Option(names = "--from", paramLabel = "DIR",
      description = "Take the containers and interfaces from this snapshot directory instead of the live host "
          + "(the rules are always live); there are no Docker events then, only --interval checks.")
  Path from;

  @Option(names = "--checks", paramLabel = "N", hidden = true, description = "Stop after N checks (tests).")
  long maxChecks = Long.MAX_VALUE;

  @Mixin FirewallOptions target;

  @Mixin BackendOption backend;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    backend.check();
    Duration every = DurationText.parse("--interval", interval);
    Optional<MetricsAddress> metricsAddress = Optional.ofNullable(metrics).map(WatchCommand::metricsAddress);
    PolicyFile.Loaded loaded = PolicyFile.load(policy);
    Policy parsed = loaded.policy();
    NetfilterTools firewall = target.firewall();
    DockerClient docker = DockerClient.fromEnvironment();
    LiveHostReader live = new LiveHostReader(docker, firewall, parsed, hostname());
    PrintWriter err = spec.commandLine().getErr();
    HostReader reader = from == null ? live : () -> PolicyFacts.read(from, Optional.of(firewall), err);

    HostFacts facts;
    try {
      facts = from == null ? live.readWhole() : reader.read();
    } catch (DockerApiException e) {
      throw new UserError(e.getMessage() + ": is dockerd running? (run as root or as a member of the docker group)");
    } catch (CommandFailed e) {
      throw new UserError("cannot read the live firewall: " + e.getMessage() + " (run as root?)");
    }
    FirewallBackend kind = backend.resolve(facts, err);
    Plan plan = Plan.make(facts, parsed, ReachProof.engine(), kind);
    if (!plan.proved()) {
      out.print(PlanText.render(plan));
      out.flush();
      throw new UserError("watch refused: the plan is not proved (see above); nothing was changed", ExitCodes.FINDINGS);
    }

    WatchLog log = new WatchLog(InstantSource.system(), line -> {
      out.println(line);
      out.flush();
    });
    WatchMetrics watchMetrics = new WatchMetrics(new PrometheusRegistry());
    ApplyTransaction transaction = new ApplyTransaction(firewall, target.store(), kind);
    // Each correction under the state lock, deferred while a change waits for confirm (JournalGate).
    target.store().check();
    JournalGate gate = new JournalGate(new ChangeJournal(target.store(), ChangeJournal.DEFAULT_KEEP), loaded.text(), policy.toString());
    Supplier<HostFacts> whole = from == null ? live::readWhole : reader::read;
    CorrectionProof proof = CorrectionProof.engine(ReachProof.engine().orElseThrow(), kind);
    Aftercare aftercare = (compiled, cut) -> aftercare(whole, firewall, compiled, cut);
    log.write(log.line("watch-started")
        .with("policy", policy.toString())
        .with("interval_s", every.toSeconds())
        .with("metrics", metricsAddress.map(MetricsAddress::toString).orElse("off"))
        .with("docker", from == null ? docker.socket().toString() : "off (--from " + from + ")")
        .with("netns", target.netns == null ? "host" : target.netns)
        .with("backend", kind.label())
        .with("ports", plan.compiled().ports().size()));
    gate.confirmedOtherThanOwn().ifPresent(confirmed -> log.write(log.line("policy-note").with("note", "the confirmed policy ("
        + confirmed + ", what boot applies) differs from --policy: watch keeps --policy, as it was started with, until a change is"
        + " confirmed; run 'breakwater apply --policy " + policy + "' to make it the confirmed one")));
    WatchSession session;
    try {
      session = WatchSession.start(parsed, reader,
          kind == FirewallBackend.NFT ? NftEnforcer.of(transaction) : transaction::apply, proof, aftercare, gate,
          from == null ? Optional.of(DockerEventConnection.connector(docker)) : Optional.empty(),
          log, watchMetrics, every, metricsAddress, maxChecks);
    } catch (UncheckedIOException e) {
      throw new UserError("--metrics " + metrics + ": " + e.getMessage());
    }
    // SIGTERM (systemctl stop) and Ctrl-C: finish the check in progress, then stop.
    Thread hook = new Thread(() -> {
      session.close();
      log.write(log.line("watch-stopped").with("reason", "signal"));
    }, "breakwater-watch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      session.await();
    } catch (IllegalStateException e) {
      throw new UserError(e.getMessage(), ExitCodes.FINDINGS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return ExitCodes.CLEAN; // stopped by a signal: the hook has logged it
    }
    // Only with --checks: the session ended by itself.
    session.close();
    log.write(log.line("watch-stopped").with("reason", "checks"));
    return ExitCodes.CLEAN;
  }

  /**
   * After a correction (proved before it was applied, by {@link CorrectionProof}): where it may
   * forbid a connection that was let in, those are cut.
   */
  private static Aftercare.Report aftercare(Supplier<HostFacts> whole, NetfilterTools firewall, CompiledPolicy compiled,
      boolean cut) {
    if (!cut) {
      return Aftercare.Report.NOTHING;
    }
    FlowCut.Result result = FlowCut.cut(firewall, compiled, whole.get());
    return new Aftercare.Report(result.cut(), result.notes());
  }

  private static MetricsAddress metricsAddress(String text) {
    try {
      return MetricsAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UserError("--metrics: " + e.getMessage());
    }
  }

  private static String hostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
