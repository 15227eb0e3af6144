package dev.breakwater.plan;

import dev.breakwater.policy.CompiledPolicy;

import java.util.List;

/** The plan for scripts ({@code plan --format json}): field names are the JSON contract. */
public record PlanJson(
    String policy,
    String host,
    List<String> externalInterfaces,
    List<Family> families,
    List<Port> ports,
    boolean proofAvailable,
    boolean proved,
    List<String> problems,
    List<String> notes) {

  public record Family(String family, String chain, List<String> add, List<String> remove, List<String> rules, String jump) {}

  public record Port(
      String container,
      String endpoint,
      String allow,
      List<String> allowedBy,
      List<String> reachableBefore,
      List<String> possiblyReachableBefore,
      List<String> reachableAfter,
      List<String> possiblyReachableAfter) {}

  public static PlanJson of(Plan plan) {
    CompiledPolicy compiled = plan.compiled();
    List<Family> families = plan.diffs().stream().map(d -> new Family(
        d.family().name().toLowerCase(java.util.Locale.ROOT), CompiledPolicy.CHAIN,
        d.lines().stream().filter(l -> l.op() == '+').map(PlanDiff.Line::rule).toList(),
        d.lines().stream().filter(l -> l.op() == '-').map(PlanDiff.Line::rule).toList(),
        compiled.rules(d.family()), d.jumpChange())).toList();
    List<Port> ports = compiled.ports().stream().map(p -> {
      var proof = plan.proof().flatMap(r -> r.ports().stream().filter(x -> x.port().equals(p)).findFirst());
      return new Port(p.container(), p.endpoint(), p.allowedText(), p.allowedBy(),
          proof.map(PolicyProof.PortProof::reachableBefore).orElse(List.of()),
          proof.map(PolicyProof.PortProof::possiblyBefore).orElse(List.of()),
          proof.map(PolicyProof.PortProof::reachableAfter).orElse(List.of()),
          proof.map(PolicyProof.PortProof::possiblyAfter).orElse(List.of()));
    }).toList();
    return new PlanJson(plan.policySource(), plan.host(), compiled.externalInterfaces(), families, ports,
        plan.proof().isPresent(), plan.proved(),
        plan.proof().map(PolicyProof.Result::problems).orElse(List.of("no reach engine in this build: the plan cannot be proved")),
        compiled.notes());
  }
}
