package dev.breakwater.reach.oracle;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.net.Transport;
import dev.breakwater.reach.Packet;
import dev.breakwater.reach.Reachability;
import dev.breakwater.reach.Trace;
import dev.breakwater.reach.TraceStep;
import dev.breakwater.reach.Verdict;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The kernel as the engine's oracle: for each seed, a generated ruleset is loaded into the lab's
 * host namespace, the attacker makes real TCP connection attempts, and the engine traces the same
 * packets from a snapshot of that namespace. Answered (connected, or refused: a RST or ICMP port
 * unreachable came back) must be the engine's "reachable"; a timeout, a half-open connection (the
 * SYN arrived, its answer was dropped) or an ICMP unreachable from the host's routing its
 * "blocked"; "possibly reachable" is a mismatch unless the
 * ruleset holds something the parser kept as unknown (the generator writes none).
 *
 * <p>{@link #main} runs a long set: {@code bench/kernel-oracle.sh}.
 */
public final class KernelOracle {

  /** One case where the engine and the kernel disagree. */
  record Mismatch(LabRuleset ruleset, ProbeCase probe, KernelOutcome kernel, Trace trace) {
    String describe() {
      StringBuilder s = new StringBuilder();
      s.append("seed ").append(ruleset.seed()).append(" (").append(ruleset.shape()).append("): ")
          .append(probe.describe()).append(": kernel ").append(kernel).append(", engine ")
          .append(trace.verdict().label()).append('\n');
      trace.nat().ifPresent(n -> s.append("    nat: ").append(n.describe()).append('\n'));
      for (TraceStep step : trace.path()) {
        s.append("    ").append(step.describe()).append('\n');
      }
      s.append("    decision: ").append(trace.decision()).append('\n');
      return s.toString();
    }
  }

  /** @param pairs how often each kernel outcome met each engine verdict ({@code TIMEOUT/blocked}) */
  record Result(int rulesets, int cases, Map<String, Integer> pairs, List<Mismatch> mismatches, long millis) {}

  private final PrintStream out;

  KernelOracle(PrintStream out) {
    this.out = out;
  }

  Result run(long firstSeed, int rulesets, int casesPerRuleset) throws IOException {
    long start = System.nanoTime();
    Map<String, Integer> pairs = new TreeMap<>();
    List<Mismatch> mismatches = new ArrayList<>();
    int cases = 0;
    Path work = Files.createTempDirectory("bwo-oracle-");
    try (KernelLab lab = KernelLab.up()) {
      out.println("kernel oracle: " + KernelLab.backend() + ", lab up in " + (System.nanoTime() - start) / 1_000_000 + " ms");
      OracleCases picker = new OracleCases();
      for (long seed = firstSeed; seed < firstSeed + rulesets; seed++) {
        LabRuleset ruleset = LabRulesetGenerator.generate(seed);
        lab.load(ruleset.text());
        lab.reversePathFilter(ruleset.rpFilter());
        lab.hostSysctls(ruleset.sysctls());
        List<String> routing = LabPolicyRouting.draw(seed);
        lab.policyRouting(routing);
        Path snapshot = work.resolve("seed-" + seed);
        lab.snapshot(snapshot);
        HostFacts facts = SnapshotDirectory.read(snapshot);
        Reachability engine = Reachability.of(facts);
        boolean unknowns = !facts.ipv4().warnings().isEmpty();

        List<ProbeCase> probes = picker.choose(ruleset, casesPerRuleset);
        List<KernelOutcome> kernel = lab.probe(probes);
        List<Mismatch> here = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
          ProbeCase p = probes.get(i);
          KernelOutcome k = kernel.get(i);
          Transport protocol = p.protocol().equals("udp") ? Transport.UDP : Transport.TCP;
          Trace trace = engine.trace(new Packet(address(p.source()), address(p.destination()), protocol,
              p.sourcePort(), p.destinationPort(), p.inInterface()));
          pairs.merge(k + "/" + trace.verdict().label() + sysctlTag(p, trace), 1, Integer::sum);
          if (!agrees(k, trace.verdict(), unknowns)) {
            here.add(new Mismatch(ruleset, p, k, trace));
          }
        }
        cases += probes.size();
        // The sender's choices: where the engine says another source port gets through than the
        // one probed, the kernel must connect from that port too.
        List<ProbeCase> chosen = new ArrayList<>();
        List<Packet> chosenPackets = new ArrayList<>();
        for (ProbeCase p : probes) {
          if (p.outbound()) {
            continue;
          }
          Transport protocol = p.protocol().equals("udp") ? Transport.UDP : Transport.TCP;
          Trace best = engine.traceChoosing(new Packet(address(p.source()), address(p.destination()), protocol,
              p.sourcePort(), p.destinationPort(), p.inInterface()), true, false);
          int port = best.packet().sourcePort();
          if (port != p.sourcePort() && OracleCases.bindable(port) && OracleCases.unusedInBatch(probes, p.source(), port)
              && OracleCases.unusedInBatch(chosen, p.source(), port)
              && picker.claim(p.source(), port)) {
            chosen.add(new ProbeCase(p.source(), port, p.destination(), p.destinationPort(), p.inInterface(), p.protocol()));
            chosenPackets.add(best.packet());
          }
        }
        List<KernelOutcome> chosenKernel = chosen.isEmpty() ? List.of() : lab.probe(chosen);
        for (int i = 0; i < chosen.size(); i++) {
          Trace trace = engine.trace(chosenPackets.get(i));
          pairs.merge(chosenKernel.get(i) + "/" + trace.verdict().label() + " (chosen port)", 1, Integer::sum);
          if (!agrees(chosenKernel.get(i), trace.verdict(), unknowns)) {
            here.add(new Mismatch(ruleset, chosen.get(i), chosenKernel.get(i), trace));
          }
        }
        cases += chosen.size();
        if (!here.isEmpty()) {
          out.println("--- seed " + seed + " (" + ruleset.shape() + "): " + here.size() + " mismatches; the ruleset:");
          out.print(ruleset.text());
          routing.forEach(c -> out.println("ip " + c));
          here.forEach(m -> out.print(m.describe()));
          mismatches.addAll(here);
        }
      }
    } finally {
      deleteTree(work);
    }
    return new Result(rulesets, cases, pairs, mismatches, (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Which of the sysctls the lab draws ({@link LabSysctls}) a case exercises, so the summary shows
   * that they were met both ways: a loopback destination, a packet the arrival device does not forward.
   */
  static String sysctlTag(ProbeCase p, Trace trace) {
    if (p.destination().startsWith("127.")) {
      return trace.decision().contains("__mkroute_output") ? " [127/8, answer refused]" : " [127/8]";
    }
    String routed = trace.path().stream().map(TraceStep::describe).filter(d -> d.contains("route_localnet")).findFirst()
        .orElse("");
    if (!routed.isEmpty()) {
      return " [DNAT to 127/8]";
    }
    // Decided by a rule of ip rule (LabPolicyRouting): its routing step or the route back names it.
    if (trace.path().stream().map(TraceStep::describe).anyMatch(d -> d.contains(", by rule ") && !d.contains("by rule 0:")
        && !d.contains("by rule 32766:")) || trace.decision().contains("rule ")) {
      return " [ip rule]";
    }
    return trace.decision().contains("does not forward") || trace.decision().contains("ip6_forward") ? " [not forwarded]" : "";
  }

  static boolean agrees(KernelOutcome kernel, Verdict engine, boolean rulesetHasUnknowns) {
    return switch (engine) {
      case Verdict.Reachable r -> kernel.reached();
      case Verdict.Blocked b -> !kernel.reached() && !kernel.isHarnessFault();
      case Verdict.PossiblyReachable p -> rulesetHasUnknowns;
    };
  }

  private static inet.ipaddr.IPAddress address(String text) {
    return new IPAddressString(text).getAddress();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** {@code KernelOracle [rulesets] [firstSeed] [casesPerRuleset]}: as root; exit 1 on mismatches. */
  public static void main(String[] args) throws IOException {
    int rulesets = args.length > 0 ? Integer.parseInt(args[0]) : 250;
    long firstSeed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    int perRuleset = args.length > 2 ? Integer.parseInt(args[2]) : 40;
    if (!CommandRunner.runningAsRoot()) {
      System.err.println("kernel oracle: needs root (network namespaces, iptables-restore)");
      System.exit(2);
    }
    Result r = new KernelOracle(System.out).run(firstSeed, rulesets, perRuleset);
    System.out.println(summary(r));
    System.exit(r.mismatches().isEmpty() ? 0 : 1);
  }

  static String summary(Result r) {
    return "kernel oracle: rulesets " + r.rulesets() + ", cases " + r.cases() + ", mismatches " + r.mismatches().size()
        + ", kernel/engine " + r.pairs() + ", " + r.millis() + " ms ("
        + r.millis() * 1000 / Math.max(1, r.cases()) + " ms per 1000 cases)";
  }
}
