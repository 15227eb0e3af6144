package dev.breakwater.reach;

import dev.breakwater.netfilter.Rule;
import java.util.List;
import java.util.Optional;

/**
 * One packet's way through the host.
 *
 * @param path every rule the packet matched, in order, and the chain policy or routing step that
 *     decided; when an unknown match made the walk branch, the branch where unknowns do not match
 * @param decidedBy the rule that accepted or dropped it; empty when a policy or routing decided
 * @param decision the deciding step in words ({@code filter/DOCKER #1 (line 40) ACCEPT})
 * @param needs when the sender's choices were explored ({@link Reachability#traceChoosing}) and not
 *     every one gets this verdict: the ones that do; {@code packet} is one of them
 */
public record Trace(
    Packet packet,
    Verdict verdict,
    Optional<Delivery> delivery,
    List<TraceStep> path,
    Optional<NatStep> nat,
    Optional<Rule> decidedBy,
    String decision,
    List<Hint> hints,
    List<AttackerChoice> needs) {

  public Trace {
    path = List.copyOf(path);
    hints = List.copyOf(hints);
    needs = List.copyOf(needs);
  }

  public Trace(Packet packet, Verdict verdict, Optional<Delivery> delivery, List<TraceStep> path, Optional<NatStep> nat,
      Optional<Rule> decidedBy, String decision, List<Hint> hints) {
    this(packet, verdict, delivery, path, nat, decidedBy, decision, hints, List.of());
  }

  Trace needing(List<AttackerChoice> choices) {
    return new Trace(packet, verdict, delivery, path, nat, decidedBy, decision, hints, choices);
  }
}
