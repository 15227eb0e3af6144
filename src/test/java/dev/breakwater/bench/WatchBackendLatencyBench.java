package dev.breakwater.bench;

import dev.breakwater.gather.HostReader;
import dev.breakwater.host.HostFacts;
import dev.breakwater.lab.Lab;
import dev.breakwater.lab.Scenario;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.watch.LabWatch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * watch's latency on both backends side by side in one run, in the lab (real dockerd, the lab
 * host's firewall), with the engine's proof before every correction as {@code breakwater watch}
 * runs it. Two kinds of start, each timed from the container's start ({@code State.StartedAt}):
 *
 * <ul>
 *   <li><b>allow</b>: a container replaces another on the same host port with another
 *       {@code breakwater.allow} label; on the nft backend the correction is a set-element update.
 *       The loop's reader is held closed from the old container's removal until the new one has
 *       started, so that one check answers both (as it does when a replacement's events arrive
 *       while a check runs) instead of removing the port and adding it again; the time from the
 *       start to the gate opening (the {@code docker run} client returning) is counted against watch.
 *   <li><b>port</b>: a container publishing a new port: a table replace (nft), a chain rewrite (iptables).
 * </ul>
 *
 * Each run of {@code block} starts per kind per backend alternates between the backends (watch
 * stopped, its chain or table removed, containers removed between them), so that both see the same
 * machine. Prints p50/p99 of: start -> correction applied (verified), start -> the allowed address
 * connects, and the proof's share (its host read and its engine) of the check. Needs root. Run with
 * {@code bench/watch-latency.sh --backend nft [events=52] [block=13]}.
 */
public final class WatchBackendLatencyBench {
  private static final String ATTACKER = Lab.ATTACKER_ADDRESSES.getFirst();
  private static final String OTHER = "198.18.200.1/32";

  private WatchBackendLatencyBench() {}

  /** Holds the loop's container reads while closed; says when a read is waiting. */
  static final class Gate implements UnaryOperator<HostReader> {
    private final Semaphore open = new Semaphore(1);
    private final AtomicBoolean waiting = new AtomicBoolean();
    private volatile boolean closed;

    void close() throws InterruptedException {
      open.acquire();
      closed = true;
    }

    void open() {
      closed = false;
      open.release();
    }

    boolean readWaiting() {
      return waiting.get();
    }

    @Override
    public HostReader apply(HostReader inner) {
      return new HostReader() {
        @Override
        public HostFacts read() {
          pass();
          return inner.read();
        }

        @Override
        public HostFacts readContainers(HostFacts previous) {
          pass();
          return inner.readContainers(previous);
        }

        @Override
        public HostFacts readWhole() {
          pass();
          return inner.readWhole();
        }
      };
    }

    private void pass() {
      if (!closed) {
        return;
      }
      waiting.set(true);
      open.acquireUninterruptibly();
      open.release();
      waiting.set(false);
    }
  }

  enum Kind { ALLOW, PORT }

  /** One measured start. */
  record Sample(long appliedMs, long reachedMs, long gateMs, long checkMs, long readMs, long proofReadMs, long proofEngineMs,
      String update) {
    /** The rest of the check: compile, compare, the kernel change and its read-back. */
    long restMs() {
      return Math.max(0, checkMs - readMs - proofReadMs - proofEngineMs);
    }
  }

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 52;
    int block = args.length > 1 ? Integer.parseInt(args[1]) : 13;
    int warmUp = 2;
    Lab lab = Lab.standard(line -> System.err.println("lab: " + line));
    lab.up(Scenario.seedIncident());
    // Docker 20.10 (the lab's) makes no DOCKER-USER in ip6tables; newer Docker does. Without it
    // the iptables backend cannot protect IPv6 and the proof refuses every correction.
    CommandRunner host = CommandRunner.inNetns(Lab.HOST_NS);
    for (List<String> rule : List.of(List.of("-N", "DOCKER-USER"), List.of("-I", "FORWARD", "1", "-j", "DOCKER-USER"),
        List.of("-A", "DOCKER-USER", "-j", "RETURN"))) {
      List<String> argv = new ArrayList<>(List.of("ip6tables"));
      argv.addAll(rule);
      if (!host.run(argv, Duration.ofSeconds(30)).ok()) {
        throw new IllegalStateException("cannot create ip6tables DOCKER-USER in the lab");
      }
    }
    Map<FirewallBackend, Map<Kind, List<Sample>>> samples = new EnumMap<>(FirewallBackend.class);
    int[] never = {0};
    Process prober = null;
    int port = 20000;
    try {
      prober = new ProcessBuilder(CommandRunner.inNetns(Lab.ATTACKER_NS).command(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
          "-cp", System.getProperty("java.class.path"), "dev.breakwater.watch.FirstReach"))).redirectErrorStream(true).start();
      BufferedReader proberOut = new BufferedReader(new InputStreamReader(prober.getInputStream(), StandardCharsets.UTF_8));
      PrintWriter proberIn = new PrintWriter(prober.getOutputStream(), true);
      if (!"ready".equals(proberOut.readLine())) {
        throw new IllegalStateException("the prober did not start");
      }
      for (int done = 0; done < events; done += block) {
        for (FirewallBackend backend : List.of(FirewallBackend.IPTABLES, FirewallBackend.NFT)) {
          Path state = Files.createTempDirectory("bww-bench-state");
          Gate gate = new Gate();
          try (LabWatch watch = new LabWatch(lab, state, Duration.ofMinutes(30), false, backend, true, gate)) {
            watch.awaitLine(0, l -> l.contains("cause=startup"), Duration.ofSeconds(60))
                .orElseThrow(() -> new IllegalStateException("watch did not start: " + watch.lines()));
            for (int i = 0; i < warmUp + Math.min(block, events - done); i++) {
              Sample allow = allowStart(lab, watch, gate, proberIn, proberOut, port++, never);
              Sample added = portStart(lab, watch, proberIn, proberOut, port++, never);
              if (i >= warmUp) {
                var byKind = samples.computeIfAbsent(backend, b -> new EnumMap<>(Kind.class));
                byKind.computeIfAbsent(Kind.ALLOW, k -> new ArrayList<>()).add(allow);
                byKind.computeIfAbsent(Kind.PORT, k -> new ArrayList<>()).add(added);
              }
            }
          } finally {
            clean(lab);
            deleteTree(state);
          }
        }
      }
    } finally {
      if (prober != null) {
        prober.destroyForcibly();
      }
      lab.down();
    }
    print(samples, never[0]);
  }

  /** The allow kind: old container (another source allowed) replaced by one allowing the attacker. */
  private static Sample allowStart(Lab lab, LabWatch watch, Gate gate, PrintWriter proberIn, BufferedReader proberOut, int port,
      int[] never) throws Exception {
    String old = "bench-old-" + port;
    String name = "bench-new-" + port;
    int mark = watch.lines().size();
    run(lab, old, port, OTHER);
    corrected(watch, mark, l -> l.contains("container=" + old) || l.contains("," + old));
    gate.close();
    mark = watch.lines().size();
    int proofs = watch.proofTimes().size();
    docker(lab, "rm", "-f", old);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!gate.readWaiting()) {
      if (System.nanoTime() > deadline) {
        gate.open();
        throw new IllegalStateException("no check started on " + old + "'s removal");
      }
      Thread.sleep(1);
    }
    proberIn.println(ATTACKER + " " + Lab.HOST_ADDRESS + " " + port);
    run(lab, name, port, ATTACKER + "/32");
    Instant opened = Instant.now();
    gate.open();
    String line = corrected(watch, mark, l -> true);
    return sample(lab, watch, name, line, proberOut.readLine(), opened, proofs, never);
  }

  /** The port kind: a container publishing a port no one published before. */
  private static Sample portStart(Lab lab, LabWatch watch, PrintWriter proberIn, BufferedReader proberOut, int port, int[] never)
      throws Exception {
    String name = "bench-port-" + port;
    int mark = watch.lines().size();
    int proofs = watch.proofTimes().size();
    proberIn.println(ATTACKER + " " + Lab.HOST_ADDRESS + " " + port);
    run(lab, name, port, ATTACKER + "/32");
    String line = corrected(watch, mark, l -> l.matches(".*container=([^ ]*,)?" + name + "(,[^ ]*)?( .*|$)"));
    return sample(lab, watch, name, line, proberOut.readLine(), null, proofs, never);
  }

  private static Sample sample(Lab lab, LabWatch watch, String name, String line, String reachedLine, Instant opened, int proofsBefore,
      int[] never) {
    Instant started = Instant.parse(docker(lab, "inspect", "-f", "{{.State.StartedAt}}", name).stdout().strip());
    Instant applied = Instant.parse(LabWatch.field(line, "ts").orElseThrow());
    String[] reached = reachedLine.split(" ");
    long reachedMs;
    if (reached[1].equals("never")) {
      never[0]++;
      reachedMs = Long.MAX_VALUE;
    } else {
      reachedMs = (Long.parseLong(reached[1]) - nanos(started)) / 1_000_000L;
    }
    List<LabWatch.ProofTime> proofs = watch.proofTimes();
    LabWatch.ProofTime proof = proofs.size() > proofsBefore ? proofs.getLast() : new LabWatch.ProofTime(0, 0);
    // Held at the gate, the allow kind's check began before the start: its check is timed from the gate opening.
    long check = opened == null ? Long.parseLong(LabWatch.field(line, "apply_ms").orElseThrow())
        : Duration.between(opened, applied).toMillis();
    long read = opened == null ? Long.parseLong(LabWatch.field(line, "read_ms").orElseThrow()) : 0;
    return new Sample(Duration.between(started, applied).toMillis(), reachedMs,
        opened == null ? 0 : Duration.between(started, opened).toMillis(), check, read, proof.readMillis(), proof.engineMillis(),
        LabWatch.field(line, "update").orElse("chain"));
  }

  private static long nanos(Instant at) {
    return at.getEpochSecond() * 1_000_000_000L + at.getNano();
  }

  private static String corrected(LabWatch watch, int mark, java.util.function.Predicate<String> which) throws InterruptedException {
    return watch.awaitLine(mark, l -> l.contains("event=drift-corrected") && which.test(l), Duration.ofSeconds(30))
        .orElseThrow(() -> new IllegalStateException("no correction: " + watch.lines().subList(mark, watch.lines().size())));
  }

  private static void run(Lab lab, String name, int port, String allow) {
    docker(lab, "run", "-d", "--name", name, "-p", port + ":80", "--label", "breakwater.allow=" + allow, Lab.IMAGE,
        "httpd", "-f", "-p", "80", "-h", "/");
  }

  private static CommandRunner.Result docker(Lab lab, String... args) {
    CommandRunner.Result result = LabWatch.docker(lab, args);
    if (!result.ok()) {
      throw new IllegalStateException("docker " + String.join(" ", args) + " failed: " + result.stderr());
    }
    return result;
  }

  /** Watch stopped: the bench's containers, the BREAKWATER chain and the inet breakwater table go. */
  private static void clean(Lab lab) {
    String ids = LabWatch.docker(lab, "ps", "-aq", "--filter", "name=bench-").stdout().strip();
    if (!ids.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of("rm", "-f"));
      rm.addAll(List.of(ids.split("\\s+")));
      docker(lab, rm.toArray(String[]::new));
    }
    CommandRunner host = CommandRunner.inNetns(Lab.HOST_NS);
    Duration t = Duration.ofSeconds(30);
    host.run(List.of("nft", "delete", "table", "inet", "breakwater"), t);
    for (String tool : List.of("iptables", "ip6tables")) {
      while (host.run(List.of(tool, "-D", "DOCKER-USER", "-j", "BREAKWATER"), t).ok()) {
        // every jump (there is one)
      }
      host.run(List.of(tool, "-F", "BREAKWATER"), t);
      host.run(List.of(tool, "-X", "BREAKWATER"), t);
    }
    String left = host.run(List.of("iptables-save"), t).stdout() + host.run(List.of("nft", "list", "tables"), t).stdout();
    if (left.contains("BREAKWATER") || left.contains("breakwater")) {
      throw new IllegalStateException("left behind after a block: " + left);
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void print(Map<FirewallBackend, Map<Kind, List<Sample>>> samples, int never) {
    System.out.printf(Locale.ROOT, "watch latency with the proof, both backends in one run (ms; p50 / p99 of each; from the container's start)%n");
    System.out.printf(Locale.ROOT, "%-22s %4s %12s %12s %12s %12s %12s %12s %12s %12s  %s%n", "backend, start kind", "n", "applied",
        "connects", "check", "read", "proof read", "proof engine", "rest", "start->gate", "updates");
    for (var backend : samples.entrySet()) {
      for (var kind : backend.getValue().entrySet()) {
        List<Sample> s = kind.getValue();
        System.out.printf(Locale.ROOT, "%-22s %4d %12s %12s %12s %12s %12s %12s %12s %12s  %s%n",
            backend.getKey().label() + ", " + kind.getKey().name().toLowerCase(Locale.ROOT), s.size(),
            pp(s, Sample::appliedMs), pp(s, Sample::reachedMs), pp(s, Sample::checkMs),
            kind.getKey() == Kind.ALLOW ? "(gated)" : pp(s, Sample::readMs), pp(s, Sample::proofReadMs),
            pp(s, Sample::proofEngineMs), pp(s, Sample::restMs), kind.getKey() == Kind.ALLOW ? pp(s, Sample::gateMs) : "-", updates(s));
      }
    }
    System.out.printf(Locale.ROOT, "  read = the check's own read (with the proof: the whole host, which the proof then uses;"
        + " proof read 0 when the proof reads nothing of its own)%n");
    System.out.printf(Locale.ROOT, "  connects never (20 s): %d; applied = start -> correction verified (watch's line); check = check start"
        + " (allow: gate open) -> verified; rest = compile, compare, kernel change and read-back%n", never);
    for (var backend : samples.entrySet()) {
      for (var kind : backend.getValue().entrySet()) {
        List<Sample> s = kind.getValue();
        long proof = s.stream().mapToLong(x -> x.proofReadMs() + x.proofEngineMs()).sum();
        long check = s.stream().mapToLong(Sample::checkMs).sum();
        System.out.printf(Locale.ROOT, "  proof's share of the check, %s %s: %.0f%% (read %.0f%%, engine %.0f%%)%n", backend.getKey().label(),
            kind.getKey().name().toLowerCase(Locale.ROOT), 100.0 * proof / Math.max(1, check),
            100.0 * s.stream().mapToLong(Sample::proofReadMs).sum() / Math.max(1, check),
            100.0 * s.stream().mapToLong(Sample::proofEngineMs).sum() / Math.max(1, check));
      }
    }
    List<Sample> nftAllow = samples.getOrDefault(FirewallBackend.NFT, Map.of()).getOrDefault(Kind.ALLOW, List.of());
    if (!nftAllow.isEmpty()) {
      long p99 = WatchLatencyBench.percentile(nftAllow.stream().map(Sample::reachedMs).toList(), 99);
      System.out.printf(Locale.ROOT, "  goal (issue 12) nft element update, start -> allowed connects p99 <= 50 ms: %d ms, %s%n", p99,
          p99 <= 50 ? "met" : "NOT met");
    }
  }

  private static String pp(List<Sample> s, java.util.function.ToLongFunction<Sample> f) {
    List<Long> v = s.stream().map(f::applyAsLong).toList();
    long p50 = WatchLatencyBench.percentile(v, 50);
    long p99 = WatchLatencyBench.percentile(v, 99);
    return (p50 == Long.MAX_VALUE ? "never" : p50) + " / " + (p99 == Long.MAX_VALUE ? "never" : p99);
  }

  private static String updates(List<Sample> s) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    s.forEach(x -> counts.merge(x.update(), 1L, Long::sum));
    return counts.toString();
  }
}
