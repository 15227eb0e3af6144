package dev.breakwater.policy;

import dev.breakwater.net.IpFamily;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The order of the per-family commits of one iptables change (apply, rollback, put-back).
 *
 * <p>Why an order matters: {@code iptables-restore} and {@code ip6tables-restore} are two kernel
 * transactions, so between them the host runs the new rules for one family and the old ones for
 * the other. A published port is governed by its own family's rules only, so every port always
 * sees either its old or its new chain; but the host as a whole can be more permissive than both
 * ends. Old allows X over IPv6 only, new allows X over IPv4 only: IPv4 first opens both for a
 * moment. From first principles, with {@code o}/{@code n} the old/new chain of a family and "⊆"
 * "lets in no more": committing family A first leaves {@code (nA, oB)}, which is within the old
 * state when {@code nA ⊆ oA} (A tightens) and within the new one when {@code oB ⊆ nB} (B
 * loosens). So the tightening family goes first; only when both families change in ways neither
 * end contains does no order work, and then the first family passes through a {@link
 * HoldChain} (stricter than both its ends): {@code (hA, oB) ⊆ old}, {@code (hA, nB) ⊆ new}.
 *
 * <p>Without the engine's verdict (rollback, watch, a plan made elsewhere), {@link #holding} is
 * the choice that needs no knowledge of the rules: safe whatever the chains say.
 */
public record CommitSequence(List<Step> steps) {

  /** One commit: {@code family}'s chain becomes its target, or the hold chain first. */
  public record Step(IpFamily family, boolean hold) {}

  public CommitSequence {
    steps = List.copyOf(steps);
  }

  /** Each family once, in this order, straight to its target. */
  public static CommitSequence direct(List<IpFamily> order) {
    return new CommitSequence(order.stream().map(f -> new Step(f, false)).toList());
  }

  /**
   * The first family through the hold chain, then every other family, then the first to its
   * target; a single family is one commit (there is no intermediate state to worry about).
   */
  public static CommitSequence holding(List<IpFamily> changing) {
    if (changing.size() < 2) {
      return direct(changing);
    }
    List<Step> steps = new ArrayList<>();
    steps.add(new Step(changing.get(0), true));
    changing.subList(1, changing.size()).forEach(f -> steps.add(new Step(f, false)));
    steps.add(new Step(changing.get(0), false));
    return new CommitSequence(steps);
  }

  /** The candidates for {@code changing}, cheapest first: the direct orders, then the holding ones. */
  public static List<CommitSequence> candidates(List<IpFamily> changing) {
    if (changing.size() < 2) {
      return List.of(direct(changing));
    }
    List<IpFamily> reversed = new ArrayList<>(changing);
    java.util.Collections.reverse(reversed);
    return List.of(direct(changing), direct(reversed), holding(changing), holding(reversed));
  }

  /** The families this sequence changes, in the order it first touches them. */
  public List<IpFamily> families() {
    LinkedHashSet<IpFamily> families = new LinkedHashSet<>();
    steps.forEach(s -> families.add(s.family()));
    return List.copyOf(families);
  }

  /** For text: {@code ipv6, ipv4} or {@code ipv4 (hold), ipv6, ipv4}. */
  public String describe() {
    return String.join(", ", steps.stream().map(s -> s.family().label() + (s.hold() ? " (hold)" : "")).toList());
  }
}
