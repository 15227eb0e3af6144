package dev.breakwater.plan;

import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.ProtectedPort;

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
      out.append('\n').append(diff.family().label()).append(" filter/").append(CompiledPolicy.CHAIN).append(": ");
      if (diff.isEmpty()) {
        out.append("already as planned, nothing to change\n");
        continue;
      }
      out.append(diff.added()).append(" to add, ").append(diff.removed()).append(" to remove\n");
      if (!diff.jumpChange().isEmpty()) {
        for (String line : diff.jumpChange().split("\n")) {
          out.append("  ").append(line).append('\n');
        }
      }
      for (PlanDiff.Line line : diff.lines()) {
        out.append("  ").append(line).append('\n');
      }
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
      if (proof.holds()) {
        out.append("\nThe proof holds: after the change each port is reachable from outside exactly by its allows.\n");
      } else {
        out.append("\nThe proof FAILS; this plan will not be applied:\n");
        proof.problems().forEach(p -> out.append("  - ").append(p).append('\n'));
      }
    }
    if (!compiled.notes().isEmpty()) {
      out.append("\nNotes:\n");
      compiled.notes().forEach(n -> out.append("  - ").append(n).append('\n'));
    }
    return out.toString();
  }

  private static String sources(List<String> reachable, List<String> possibly) {
    String text = reachable.isEmpty() ? "nobody" : String.join(", ", reachable);
    return possibly.isEmpty() ? text : text + "; possibly " + String.join(", ", possibly);
  }
}
