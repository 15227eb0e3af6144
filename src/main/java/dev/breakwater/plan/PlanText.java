package dev.breakwater.plan;

import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.ProtectedPort;

import java.util.ArrayList;
import java.util.List;

/** The plan for people: the rule diff per family, then who reaches each port before and after. */
public final class PlanText {
  private PlanText() {}

  public static String render(Plan plan) {
    StringBuilder out = new StringBuilder();
    CompiledPolicy compiled = plan.compiled();
    out.append("Plan for ").append(plan.policySource()).append(" on ").append(plan.host().isEmpty() ? "this host" : plan.host())
        .append(" (external interfaces: ").append(String.join(", ", compiled.externalInterfaces())).append(")\n");
    for (PlanDiff diff : plan.diffs()) {
      out.append('\n').append(heading(diff)).append('\n');
      changes(diff).forEach(line -> out.append(line).append('\n'));
    }
    if (plan.diffs().isEmpty()) {
      out.append("\nNo family has a DOCKER-USER chain: nothing to change.\n");
    }
    out.append("\nPublished ports and who may reach them from outside:\n");
    if (compiled.ports().isEmpty()) {
      out.append("  (no container publishes a port reachable from outside)\n");
    }
    for (ProtectedPort port : compiled.ports()) {
      out.append("  ").append(port.container()).append(' ').append(port.endpoint()).append("  allow ").append(port.allowedText());
      if (!port.allowedBy().isEmpty()) {
        out.append("  (").append(String.join("; ", port.allowedBy())).append(')');
      }
      out.append('\n');
    }
    if (plan.proof().isEmpty()) {
      out.append("\nProof: not available (no reach engine in this build), so this plan cannot be applied.\n");
    } else {
      PolicyProof.Result proof = plan.proof().get();
      out.append("\nProof (reach engine on the rules before and after):\n");
      for (PolicyProof.PortProof port : proof.ports()) {
        out.append("  ").append(port.port().container()).append(' ').append(port.port().endpoint()).append('\n');
        out.append("    before: ").append(sources(port.reachableBefore(), port.possiblyBefore())).append('\n');
        out.append("    after:  ").append(sources(port.reachableAfter(), port.possiblyAfter())).append('\n');
      }
      out.append('\n').append(verdict(proof)).append('\n');
      if (!proof.holds()) {
        proof.problems().forEach(p -> out.append("  - ").append(p).append('\n'));
      }
    }
    if (!compiled.notes().isEmpty()) {
      out.append("\nNotes:\n");
      compiled.notes().forEach(n -> out.append("  - ").append(n).append('\n'));
    }
    return out.toString();
  }

  /** One family's heading: {@code IPv4 filter/BREAKWATER: 2 to add, 0 to remove}, or that nothing changes. */
  public static String heading(PlanDiff diff) {
    return diff.family().label() + " filter/" + CompiledPolicy.CHAIN + ": "
        + (diff.isEmpty() ? "already as planned, nothing to change" : diff.added() + " to add, " + diff.removed() + " to remove");
  }

  /**
   * The lines under one family's heading, indented: the chain and jump changes, then the chain's
   * rules marked kept, removed or added; none when nothing changes.
   */
  public static List<String> changes(PlanDiff diff) {
    if (diff.isEmpty()) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    if (!diff.jumpChange().isEmpty()) {
      for (String line : diff.jumpChange().split("\n")) {
        lines.add("  " + line);
      }
    }
    for (PlanDiff.Line line : diff.lines()) {
      lines.add("  " + line);
    }
    return lines;
  }

  /** The proof's one-line verdict (when it fails, the problems follow it). */
  public static String verdict(PolicyProof.Result proof) {
    return proof.holds()
        ? "The proof holds: after the change each port is reachable from outside exactly by its allows."
        : "The proof FAILS; this plan will not be applied:";
  }

  private static String sources(List<String> reachable, List<String> possibly) {
    String text = reachable.isEmpty() ? "nobody" : String.join(", ", reachable);
    return possibly.isEmpty() ? text : text + "; possibly " + String.join(", ", possibly);
  }
}
