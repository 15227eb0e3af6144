package dev.breakwater.watch;

import dev.breakwater.gather.HostReader;
import dev.breakwater.gather.LiveHostReader;
import dev.breakwater.plan.ReachabilityEngine;
import dev.breakwater.policy.FirewallBackend;
import java.util.function.UnaryOperator;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.lab.Lab;
import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.NetworkNamespace;
import dev.breakwater.policy.Policy;
import dev.breakwater.firewall.StateStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * watch running in this JVM against the lab: the lab's dockerd (its socket) and the lab host's
 * firewall (every iptables command through {@code nsenter --net=/run/netns/bwl-host}); never the
 * machine's own. Used by the lab test and the latency benchmark.
 */
public final class LabWatch implements AutoCloseable {
  public static final Policy POLICY = dev.breakwater.policy.PolicyFile.parse("""
      interfaces: [eth0]
      default: deny
      labels: true
      allow:
        - port: 8080
          from: any
      """, "lab-policy.yml");

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final WatchMetrics metrics = new WatchMetrics(new PrometheusRegistry());
  private final NetfilterTools firewall = NetfilterTools.in(new NetworkNamespace(Lab.HOST_NS));
  private final WatchSession session;

  /** The proof's own time per correction (its host read, then the engine), in milliseconds. */
  public record ProofTime(long readMillis, long engineMillis) {}

  private final List<ProofTime> proofTimes = new CopyOnWriteArrayList<>();

  /** watch as it was before the proof (iptables backend, no proof): the lab test. */
  public LabWatch(Lab lab, Path stateDir, Duration interval, boolean echo) {
    this(lab, stateDir, interval, echo, FirewallBackend.IPTABLES, false, UnaryOperator.identity());
  }

  /**
   * watch as {@code breakwater watch --backend KIND} runs it: with {@code proved}, the engine's
   * proof before every correction on the whole host the check read ({@code LiveHostReader.readWhole}),
   * as WatchCommand wires it; {@code wrap} may stand between the loop and its reader (the
   * benchmark's gate).
   */
  public LabWatch(Lab lab, Path stateDir, Duration interval, boolean echo, FirewallBackend backend, boolean proved,
      UnaryOperator<HostReader> wrap) {
    LiveHostReader live = new LiveHostReader(lab.docker(), firewall, POLICY, Lab.HOST_NS);
    HostReader reader = wrap.apply(live);
    ApplyTransaction transaction = new ApplyTransaction(firewall, new StateStore(stateDir), backend);
    CorrectionProof engine = CorrectionProof.engine(new ReachabilityEngine(), backend);
    // The host read is the check's own now (its read_ms); only the engine is timed here.
    CorrectionProof proof = !proved ? CorrectionProof.NONE : (now, compiled) -> {
      long t0 = System.nanoTime();
      CorrectionProof.Finding finding = engine.prove(now, compiled);
      proofTimes.add(new ProofTime(0, (System.nanoTime() - t0) / 1_000_000));
      return finding;
    };
    WatchLog log = new WatchLog(InstantSource.system(), line -> {
      lines.add(line);
      if (echo) {
        System.out.println(line);
      }
    });
    session = WatchSession.start(POLICY, reader, backend == FirewallBackend.NFT ? NftEnforcer.of(transaction) : transaction::apply,
        proof, Aftercare.NONE, ChangeGate.NONE, Optional.of(DockerEventConnection.connector(lab.docker())), log, metrics, interval,
        Optional.empty(), Long.MAX_VALUE);
  }

  /** One entry per proved correction, in order. */
  public List<ProofTime> proofTimes() {
    return proofTimes;
  }

  public List<String> lines() {
    return lines;
  }

  public WatchMetrics metrics() {
    return metrics;
  }

  public NetfilterTools firewall() {
    return firewall;
  }

  /** The first log line after {@code from} that matches, waiting for it (at most {@code timeout}). */
  public Optional<String> awaitLine(int from, Predicate<String> matches, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (int i = from; i < lines.size(); i++) {
        if (matches.test(lines.get(i))) {
          return Optional.of(lines.get(i));
        }
      }
      if (System.nanoTime() > deadline) {
        return Optional.empty();
      }
      TimeUnit.MILLISECONDS.sleep(2);
    }
  }

  /** The value of {@code key=} in a log line. */
  public static Optional<String> field(String line, String key) {
    for (String part : line.split(" ")) {
      if (part.startsWith(key + "=")) {
        return Optional.of(part.substring(key.length() + 1));
      }
    }
    return Optional.empty();
  }

  /** Runs {@code docker ARGS} against the lab's daemon. */
  public static CommandRunner.Result docker(Lab lab, String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of("docker", "-H", "unix://" + lab.socket()));
    argv.addAll(List.of(args));
    return CommandRunner.local().run(argv, Duration.ofSeconds(60));
  }

  @Override
  public void close() {
    session.close();
  }
}
