package dev.breakwater.reach;

import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.Rule;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The symbolic side: for one published port and ingress interface, the exact sets of sources of
 * one family that reach it, and why.
 *
 * <p>Everything about the packet but its source is fixed (destination, protocol, ports, ingress).
 * The source space starts as one piece; a piece is evaluated through one representative, and every
 * source range a match on its way tested becomes a cut. A piece no cut falls inside walks the same
 * way for all its members, so its representative's verdict is everyone's; otherwise it is split at
 * the cuts and the parts are evaluated in turn. Only ranges rules actually test on the way become
 * cuts, and no address is ever tried one by one.
 */
final class SourceSplit {
  private final PacketEvaluator evaluator;
  private final IpFamily family;

  SourceSplit(PacketEvaluator evaluator, IpFamily family) {
    this.evaluator = evaluator;
    this.family = family;
  }

  /**
   * @param plainDecidedBy the rule that accepted or dropped, whatever told the sources apart
   * @param plainBecause {@code because} without the source-distinguishing part
   */
  private record Outcome(
      Verdict verdict, Optional<Rule> decidedBy, String because, Optional<Rule> plainDecidedBy, String plainBecause,
      List<AttackerChoice> needs) {

    Outcome(Verdict verdict, Optional<Rule> decidedBy, String because) {
      this(verdict, decidedBy, because, decidedBy, because, List.of());
    }

    /** When every source gets the same verdict, no rule told them apart: cite the decision. */
    Outcome plain() {
      return new Outcome(verdict, plainDecidedBy, plainBecause, plainDecidedBy, plainBecause, needs);
    }

    Outcome needing(List<AttackerChoice> choices) {
      return new Outcome(verdict, decidedBy, because, plainDecidedBy, plainBecause, choices);
    }

    String fullBecause() {
      return needs.isEmpty() ? because
          : because + ", " + String.join("; or ", needs.stream().map(AttackerChoice::describe).toList());
    }
  }

  /** @param chains the nat chains whose DNAT applied (Swarm's DOCKER-INGRESS is worth a note) */
  private record Piece(Outcome outcome, List<Span> dependencies, Set<String> chains) {}

  /**
   * The classes of sources arriving on {@code ingress}, minimal CIDRs each.
   *
   * @param destinations where the port can be addressed, the likeliest first
   * @param chainsSeen gets the nat chains whose DNAT applied
   */
  List<SourceClass> classes(PublishedPort port, String ingress, List<IPAddress> destinations, Set<String> chainsSeen) {
    Map<BigInteger, Piece> byRepresentative = new HashMap<>();
    Deque<Span> work = new ArrayDeque<>();
    work.push(Span.all(family));
    List<Map.Entry<Span, Outcome>> done = new ArrayList<>();
    while (!work.isEmpty()) {
      Span span = work.pop();
      Piece piece = byRepresentative.computeIfAbsent(span.low(),
          low -> evaluate(port, ingress, destinations, span.lowAddress()));
      chainsSeen.addAll(piece.chains());
      TreeSet<BigInteger> cuts = cutsInside(span, piece.dependencies());
      if (cuts.isEmpty()) {
        done.add(Map.entry(span, piece.outcome()));
        continue;
      }
      BigInteger from = span.low();
      List<Span> parts = new ArrayList<>();
      for (BigInteger cut : cuts) {
        parts.add(new Span(family, from, cut.subtract(BigInteger.ONE)));
        from = cut;
      }
      parts.add(new Span(family, from, span.high()));
      boolean[] alike = alikeRepresentative(span, parts, piece.dependencies());
      for (int i = parts.size() - 1; i >= 0; i--) {
        if (alike[i]) {
          byRepresentative.putIfAbsent(parts.get(i).low(), piece);
        }
        work.push(parts.get(i));
      }
    }
    boolean uniform = done.stream().map(e -> e.getValue().verdict().label()).distinct().count() == 1;
    // Grouped by what the class will say (verdict, its reasons, the text citing the rule, which
    // names the rule's line): cheaper than comparing rules field by field.
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    Map<String, List<Span>> grouped = new LinkedHashMap<>();
    done.stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> {
          Outcome o = uniform ? e.getValue().plain() : e.getValue();
          String key = groupKey(o);
          outcomes.putIfAbsent(key, o);
          grouped.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getKey());
        });
    List<SourceClass> out = new ArrayList<>();
    grouped.forEach((key, spans) -> {
      Outcome o = outcomes.get(key);
      out.add(new SourceClass(ingress, family, AddressSpans.toPrefixBlocks(spans), o.verdict(), o.decidedBy(),
          o.fullBecause(), o.needs()));
    });
    return out;
  }

  /**
   * The points strictly inside {@code span} (above its low end, at most its high end) where a
   * tested range starts ({@code d.low}) or ends ({@code d.high + 1}). A 1,000-allow chain gives
   * every walk 1,000 tested ranges, and every piece is checked against all of its walk's: a range
   * that lies wholly outside the span is rejected with two comparisons, and no {@code d.high + 1}
   * is computed unless it is a cut ({@code d.high + 1} in {@code (low, high]} is {@code d.high} in
   * {@code [low, high)}).
   */
  TreeSet<BigInteger> cutsInside(Span span, List<Span> dependencies) {
    TreeSet<BigInteger> cuts = new TreeSet<>();
    BigInteger low = span.low();
    BigInteger high = span.high();
    for (Span d : dependencies) {
      if (d.family() != family || d.high().compareTo(low) < 0 || d.low().compareTo(high) > 0) {
        continue; // wholly below or above the span: neither end falls inside it
      }
      if (d.low().compareTo(low) > 0) {
        cuts.add(d.low()); // at most high, as d.low <= high here
      }
      if (d.high().compareTo(high) < 0) {
        cuts.add(d.high().add(BigInteger.ONE)); // d.high >= low here, so d.high + 1 > low
      }
    }
    return cuts;
  }

  /**
   * Which parts of {@code span} (cut at every boundary of {@code dependencies}) lie inside exactly
   * the same tested ranges as the span's representative, its low end (part 0). The walk reads the
   * source only through those tests, so such a part's representative walks the same way, tests
   * the same ranges and gets the same outcome: its piece is the one already evaluated. Between
   * two rules' {@code -s} ranges lies such a part; without this it cost a walk of its own.
   */
  private boolean[] alikeRepresentative(Span span, List<Span> parts, List<Span> dependencies) {
    int n = parts.size();
    BigInteger[] lows = new BigInteger[n];
    for (int i = 0; i < n; i++) {
      lows[i] = parts.get(i).low();
    }
    int limit = n - 1;
    int[] inside = new int[n + 1];
    for (Span d : dependencies) {
      if (d.family() != family || d.high().compareTo(span.low()) < 0 || d.low().compareTo(span.high()) > 0) {
        continue;
      }
      int first = d.low().compareTo(span.low()) <= 0 ? 0 : partOf(lows, d.low());
      int last = d.high().compareTo(span.high()) >= 0 ? n - 1 : partOf(lows, d.high());
      if (first == 0) {
        // The representative is inside d: only parts up to d's end are too.
        limit = Math.min(limit, last);
      } else {
        inside[first]++;
        inside[last + 1]--;
      }
    }
    boolean[] alike = new boolean[n];
    int depth = 0;
    for (int i = 0; i < n; i++) {
      depth += inside[i];
      alike[i] = i <= limit && depth == 0;
    }
    return alike;
  }

  /** The index of the part whose range holds {@code value}: the last low at or below it. */
  private static int partOf(BigInteger[] lows, BigInteger value) {
    int found = java.util.Arrays.binarySearch(lows, value);
    return found >= 0 ? found : -found - 2;
  }

  /**
   * The verdict and the rule to cite for it: for a reachable class, the last rule that tested the
   * source (the one that tells this class from the others: {@code -s 198.51.100.0/24 -j RETURN})
   * when there is one, else the accepting rule; for a "possibly" class, the first rule the engine
   * could not evaluate; for a blocked class, the dropping rule.
   */
  private static Outcome outcome(PacketEvaluator.Evaluation e, String destination) {
    WalkResult walk = e.first();
    String because = walk.decision() + destination;
    return switch (e.verdict()) {
      case Verdict.PossiblyReachable p when !p.uncertainBecause().isEmpty() -> new Outcome(p,
          Optional.of(p.uncertainBecause().get(0)),
          p.uncertainBecause().get(0).citation() + (p.reasons().isEmpty()
              ? " uses a match or target Breakwater does not model" : " tests run-time state: " + String.join("; ", p.reasons()))
              + "; otherwise " + because);
      case Verdict.PossiblyReachable p when !p.reasons().isEmpty() -> new Outcome(p, walk.decidedBy(),
          because + ", but " + String.join("; ", p.reasons()));
      case Verdict.Reachable r when walk.lastSourceTest().isPresent()
          && !walk.lastSourceTest().equals(walk.decidedBy()) -> new Outcome(r, walk.lastSourceTest(),
          walk.lastSourceTest().get().citation() + " tells these sources apart, then " + because,
          walk.decidedBy(), because, List.of());
      default -> new Outcome(e.verdict(), walk.decidedBy(), because);
    };
  }

  /** The representative against every destination the port is published on; the best path counts. */
  private Piece evaluate(PublishedPort port, String ingress, List<IPAddress> destinations, IPAddress source) {
    List<Span> dependencies = new ArrayList<>();
    Set<String> chains = new LinkedHashSet<>();
    Outcome best = null;
    for (IPAddress destination : destinations) {
      Packet packet = new Packet(source, destination, port.protocol(), ExposureAnalysis.CLIENT_PORT, port.hostPort(), ingress);
      // The source port and the first packet's flags are the sender's: the best choice counts.
      ChoiceSearch.Explored explored = ChoiceSearch.explore(packet, true, true, evaluator::evaluate);
      for (ChoiceSearch.Tried t : explored.tried()) {
        dependencies.addAll(t.evaluation().sourceDependencies());
        t.evaluation().first().nat().ifPresent(n -> chains.add(n.rule().chain()));
      }
      PacketEvaluator.Evaluation e = explored.best().evaluation();
      if (best == null || e.verdict().strength() > best.verdict().strength()) {
        best = outcome(e, destinations.size() > 1 ? " (to " + destination + ")" : "").needing(explored.needs());
      }
      if (best.verdict() instanceof Verdict.Reachable) {
        // Nothing beats reachable, and this destination's own cuts keep the piece uniform for it.
        break;
      }
    }
    return new Piece(best, dependencies, chains);
  }

  /** What a class will say: pieces with the same text are one class. */
  private static String groupKey(Outcome o) {
    String reasons = o.verdict() instanceof Verdict.PossiblyReachable p
        ? p.uncertainBecause().stream().map(Rule::citation).toList() + " " + p.reasons()
        : "";
    return o.verdict().label() + "\n" + reasons + "\n" + o.fullBecause();
  }
}
