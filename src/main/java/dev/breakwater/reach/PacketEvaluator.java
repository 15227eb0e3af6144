package dev.breakwater.reach;

import dev.breakwater.net.PortRange;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.UnseenTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Evaluates a packet exactly, exploring both ways of every unknown it meets: if every branch
 * agrees, the answer stays exact; otherwise it is "possibly reachable", naming the unknowns.
 */
final class PacketEvaluator {
  /** Beyond this many branches the answer is "possibly" without further search. */
  static final int MAX_BRANCHES = 256;

  private final HostNetwork net;
  private final RulesetIndex rules;
  private final boolean recording;
  private final boolean anyDestination;

  /** @param recording whether walks keep their path (for traces) or only their outcome */
  PacketEvaluator(HostNetwork net, RulesetIndex rules, boolean recording) {
    this(net, rules, recording, false);
  }

  /**
   * @param anyDestination whether an unseen nat table may send the packet anywhere (a trace: is
   *     this packet delivered?) or only where Docker's DNAT would (an exposure: who reaches this
   *     container's port?); see {@link Walk}
   */
  PacketEvaluator(HostNetwork net, RulesetIndex rules, boolean recording, boolean anyDestination) {
    this.net = net;
    this.rules = rules;
    this.recording = recording;
    this.anyDestination = anyDestination;
  }

  /**
   * @param first the branch where every unknown match does not match and every unknown target
   *     lets the packet go on: what the trace shows
   * @param sourceDependencies every source range any branch tested
   * @param sourcePortTests every source-port range any branch tested
   * @param flagsTested every TCP flag bit any branch tested
   * @param headerTests every extension-header test any branch made
   */
  record Evaluation(Verdict verdict, WalkResult first, List<Span> sourceDependencies, List<Rule> uncertain,
      List<PortRange> sourcePortTests, int flagsTested, Set<String> headerTests) {}

  Evaluation evaluate(Packet packet) {
    Deque<List<Integer>> pending = new ArrayDeque<>();
    pending.push(List.of());
    List<WalkResult> leaves = new ArrayList<>();
    Set<Rule> uncertain = new LinkedHashSet<>();
    List<Span> dependencies = new ArrayList<>();
    List<PortRange> portTests = new ArrayList<>();
    int flagsTested = 0;
    Set<String> headerTests = new LinkedHashSet<>();
    boolean truncated = false;
    while (!pending.isEmpty()) {
      if (leaves.size() >= MAX_BRANCHES) {
        truncated = true;
        break;
      }
      List<Integer> prefix = pending.pop();
      try {
        WalkResult leaf = new Walk(net, rules, packet, prefix, recording, anyDestination).run();
        leaves.add(leaf);
        uncertain.addAll(leaf.uncertain());
        dependencies.addAll(leaf.sourceDependencies());
        portTests.addAll(leaf.sourcePortTests());
        flagsTested |= leaf.flagsTested();
        headerTests.addAll(leaf.headerTests());
      } catch (Walk.ChoiceNeeded needed) {
        for (int option = needed.options - 1; option >= 0; option--) {
          List<Integer> next = new ArrayList<>(prefix);
          next.add(option);
          pending.push(next);
        }
      }
    }
    boolean anyAccepted = leaves.stream().anyMatch(WalkResult::accepted);
    // An accepted walk through an unseen table that could drop it is also a dropped one.
    boolean anyDropped = leaves.stream().anyMatch(l -> !l.accepted() || l.mayBeDropped());
    Verdict verdict;
    if (truncated || (anyAccepted && anyDropped)) {
      List<String> reasons = new ArrayList<>();
      leaves.stream().flatMap(l -> l.unseenDecides().stream()).distinct().map(UnseenTable::text).forEach(reasons::add);
      leaves.stream().flatMap(l -> l.runTimeState().stream()).distinct().forEach(reasons::add);
      if (truncated) {
        reasons.add("more than " + MAX_BRANCHES + " ways through unknown rules; search stopped");
      }
      verdict = new Verdict.PossiblyReachable(List.copyOf(uncertain), reasons);
    } else {
      verdict = anyAccepted ? Verdict.REACHABLE : Verdict.BLOCKED;
    }
    return new Evaluation(verdict, leaves.get(0), dependencies, List.copyOf(uncertain), portTests, flagsTested, Set.copyOf(headerTests));
  }
}
