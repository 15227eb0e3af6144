package dev.breakwater.demo;

import dev.breakwater.lab.Lab;
import dev.breakwater.lab.LabException;

import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.netfilter.TableName;
import java.nio.file.Path;
import dev.breakwater.firewall.ApplyException;
import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.NetworkNamespace;
import dev.breakwater.net.IpFamily;
import dev.breakwater.plan.Plan;
import dev.breakwater.plan.PlanDiff;
import dev.breakwater.plan.PlanText;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.plan.ReachabilityEngine;
import dev.breakwater.firewall.StateStore;
import java.util.List;
import java.util.Optional;

/**
 * Breakwater's own fix in the demo: the demo policy planned and proved against the audited
 * facts, then applied in one transaction inside the lab host, as 'breakwater apply' does.
 */
public final class PolicyFix implements DemoFix {
  /** The second attacker address plays the office: the one outsider still allowed to the database. */
  static final String OFFICE = "198.51.100.67";
  static final String POLICY = """
      interfaces: [eth0]
      default: deny
      allow:
        - port: 8080/tcp
          from: any
        - port: 3306/tcp
          from: %s/32
      """.formatted(OFFICE);

  @Override
  public String origin() {
    return "breakwater plan + apply with the policy 'default: deny; 8080/tcp from any; 3306/tcp from " + OFFICE
        + "/32 (the office)' (inside the lab host)";
  }

  @Override
  public String allowedSource() {
    return OFFICE;
  }

  @Override
  public List<String> apply(Lab lab, HostFacts audited) {
    HostFacts facts = audited;
    if (audited.ipv6().isPresent() && audited.ipv6().get().chain(TableName.FILTER, "DOCKER-USER").isEmpty()) {
      // Docker before 27 makes no DOCKER-USER in ip6tables (even with ip6tables: true), so a policy
      // cannot reach IPv6 there: give the lab host the chain Docker 27+ would have made, and plan
      // on a fresh snapshot that shows it.
      lab.applyRules(List.of(), List.of(
          List.of("-N", "DOCKER-USER"), List.of("-A", "DOCKER-USER", "-j", "RETURN"), List.of("-I", "FORWARD", "1", "-j", "DOCKER-USER")));
      Path snapshot = lab.directory().resolve("snapshot-for-plan");
      lab.snapshot(snapshot);
      facts = SnapshotDirectory.read(snapshot);
    }
    Policy policy = PolicyFile.parse(POLICY, "demo-policy.yml");
    Plan plan = Plan.make(facts, policy, Optional.of(new ReachabilityEngine()));
    if (!plan.proved()) {
      throw new LabException("the demo policy's plan is not proved, so it is not applied:\n"
          + String.join("\n", PlanText.render(plan).lines().filter(l -> !l.isBlank()).toList()));
    }
    try {
      new ApplyTransaction(NetfilterTools.in(new NetworkNamespace(Lab.HOST_NS)), new StateStore(lab.directory().resolve("policy-state")))
          .apply(plan.compiled());
    } catch (ApplyException e) {
      throw new LabException("applying the demo policy failed: " + e.getMessage());
    }
    return shown(plan);
  }

  /** The IPv4 rules, one line for IPv6 (the same rules), and the proof's verdict: the demo's reader needs no more. */
  static List<String> shown(Plan plan) {
    List<String> shown = new java.util.ArrayList<>();
    for (PlanDiff diff : plan.diffs()) {
      if (diff.family() == IpFamily.V4) {
        shown.add(PlanText.heading(diff));
        shown.addAll(PlanText.changes(diff));
      } else {
        shown.add(PlanText.heading(diff) + " (the same rules)");
      }
    }
    plan.proof().ifPresent(proof -> shown.add(PlanText.verdict(proof)));
    return shown;
  }
}
