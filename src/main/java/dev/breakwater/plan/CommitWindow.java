package dev.breakwater.plan;

import dev.breakwater.host.HostFacts;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.AddressSets;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.policy.AddressText;
import dev.breakwater.policy.ChainState;
import dev.breakwater.policy.CommitSequence;
import dev.breakwater.policy.HoldChain;
import dev.breakwater.reach.PortReach;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The static half of "no exposure window": every state the host passes through between two
 * iptables commits, built from the two ends and the commit order, and the engine's answer on
 * each. A state is acceptable when it lets in no more than the old end or no more than the new
 * end (per published port, certainly and possibly reachable sources together); a state looser
 * than both is the window. Pure.
 */
public final class CommitWindow {
  private CommitWindow() {}

  /** The verdict on one order: empty problems when no intermediate state is looser than both ends. */
  public record Result(CommitSequence sequence, List<String> problems) {
    public Result {
      problems = List.copyOf(problems);
    }

    public boolean holds() {
      return problems.isEmpty();
    }
  }

  /** The families whose BREAKWATER chain or jumps differ between the two ends, in family order. */
  public static List<IpFamily> changing(HostFacts from, HostFacts to) {
    List<IpFamily> families = new ArrayList<>();
    for (IpFamily family : IpFamily.values()) {
      Optional<Ruleset> a = ruleset(from, family);
      Optional<Ruleset> b = ruleset(to, family);
      if (a.isPresent() && b.isPresent() && !owned(ChainState.of(a.get())).equals(owned(ChainState.of(b.get())))) {
        families.add(family);
      }
    }
    return families;
  }

  /**
   * The host after each commit of {@code sequence} but the last (the last is {@code to}): a
   * family's ruleset is {@code from}'s until its step, the hold chain at a hold step, {@code to}'s
   * after its last step.
   */
  public static List<HostFacts> intermediates(HostFacts from, HostFacts to, CommitSequence sequence) {
    Map<IpFamily, Ruleset> now = new EnumMap<>(IpFamily.class);
    for (IpFamily family : IpFamily.values()) {
      ruleset(from, family).ifPresent(r -> now.put(family, r));
    }
    List<HostFacts> states = new ArrayList<>();
    List<CommitSequence.Step> steps = sequence.steps();
    for (int i = 0; i < steps.size() - 1; i++) {
      CommitSequence.Step step = steps.get(i);
      IpFamily family = step.family();
      Ruleset target = ruleset(to, family).orElseThrow(() -> new IllegalArgumentException("no " + family.label() + " ruleset to commit"));
      if (step.hold()) {
        Ruleset current = now.get(family);
        now.put(family, PlannedRuleset.withChain(current,
            HoldChain.rules(ChainState.of(current).rules(), ChainState.of(target).rules()), Map.of(), "holding"));
      } else {
        now.put(family, target);
      }
      states.add(withRulesets(from, now));
    }
    return states;
  }

  /** The engine's verdict on every intermediate state of {@code sequence}. */
  public static Result check(HostFacts from, HostFacts to, CommitSequence sequence, ReachEngine engine) {
    Map<Key, List<IPAddress>> before = reach(engine.observe(from));
    Map<Key, List<IPAddress>> after = reach(engine.observe(to));
    List<String> problems = new ArrayList<>();
    List<HostFacts> states = intermediates(from, to, sequence);
    for (int i = 0; i < states.size(); i++) {
      Map<Key, List<IPAddress>> middle = reach(engine.observe(states.get(i)));
      List<String> beyondOld = beyond(middle, before);
      List<String> beyondNew = beyond(middle, after);
      if (!beyondOld.isEmpty() && !beyondNew.isEmpty()) {
        problems.add("after commit " + (i + 1) + " of " + sequence.steps().size() + " (" + sequence.describe()
            + ") the host is looser than both ends: " + String.join(", ", beyondOld) + " (not before), and "
            + String.join(", ", beyondNew) + " (not after)");
      }
    }
    return new Result(sequence, problems);
  }

  /**
   * The first of {@link CommitSequence#candidates} whose every intermediate state the engine
   * accepts; when none does, the holding one with its problems (the caller must refuse).
   */
  public static Result choose(HostFacts from, HostFacts to, ReachEngine engine) {
    List<IpFamily> changing = changing(from, to);
    Result last = null;
    for (CommitSequence candidate : CommitSequence.candidates(changing)) {
      last = check(from, to, candidate, engine);
      if (last.holds()) {
        return last;
      }
    }
    return last;
  }

  /** A port as the engine names it: the container and the published port. */
  private record Key(String container, PublishedPort port) {
    String text() {
      String address = port.hostIp().withoutPrefixLength().toCompressedString();
      return (port.hostIp().isIPv6() ? "[" + address + "]" : address) + ":" + port.hostPort() + "/" + port.protocol().label() + " (" + container + ")";
    }
  }

  private static Map<Key, List<IPAddress>> reach(List<PortReach> answers) {
    Map<Key, List<IPAddress>> reach = new LinkedHashMap<>();
    for (PortReach r : answers) {
      List<IPAddress> all = new ArrayList<>(r.reachableFrom());
      all.addAll(r.possiblyReachableFrom());
      reach.merge(new Key(r.container().name(), r.port()), AddressSets.union(all), (a, b) -> {
        List<IPAddress> both = new ArrayList<>(a);
        both.addAll(b);
        return AddressSets.union(both);
      });
    }
    return reach;
  }

  /** What {@code state} lets in that {@code end} does not, one text per port. */
  private static List<String> beyond(Map<Key, List<IPAddress>> state, Map<Key, List<IPAddress>> end) {
    List<String> extra = new ArrayList<>();
    state.forEach((key, sources) -> {
      List<IPAddress> more = AddressSets.minus(sources, end.getOrDefault(key, List.of()));
      if (!more.isEmpty()) {
        extra.add(key.text() + " from " + AddressText.describe(more));
      }
    });
    return extra;
  }

  private record Owned(boolean exists, List<String> rules, List<Integer> jumps) {}

  private static Owned owned(ChainState state) {
    return new Owned(state.chainExists(), state.rules(), state.jumpPositions());
  }

  private static Optional<Ruleset> ruleset(HostFacts facts, IpFamily family) {
    return family == IpFamily.V4 ? Optional.of(facts.ipv4()) : facts.ipv6();
  }

  private static HostFacts withRulesets(HostFacts facts, Map<IpFamily, Ruleset> rulesets) {
    return new HostFacts(facts.hostname(), facts.interfaces(), facts.routes(), facts.containers(),
        rulesets.get(IpFamily.V4), Optional.ofNullable(rulesets.get(IpFamily.V6)), facts.ufw(), facts.daemon(), facts.notes(),
        facts.setup(), facts.listeners(), facts.routingRules());
  }
}
