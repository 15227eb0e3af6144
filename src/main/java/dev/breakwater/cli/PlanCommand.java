package dev.breakwater.cli;

import dev.breakwater.gather.PolicyFacts;

import dev.breakwater.host.HostFacts;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.NetworkNamespace;
import dev.breakwater.plan.Plan;
import dev.breakwater.plan.PlanJson;
import dev.breakwater.plan.PlanText;
import dev.breakwater.policy.PolicyFile;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Show and prove the firewall change a policy file asks for.",
    description = {
      "Compiles the policy into the rules of the BREAKWATER chain (jumped to first from Docker's "
          + "DOCKER-USER chain, and its ip6tables twin), shows the rules that would be added and "
          + "removed, and proves the result: the reach engine runs on the rules as they are and as "
          + "they would be, and prints who reaches every published port before and after.",
      "",
      "The plan FAILS (exit 1) when, after the change, a port would be reachable from a source "
          + "outside its allows, or an allowed source would lose access. Nothing is changed by plan."
    },
    footer = {
      "",
      "Examples:",
      "  breakwater plan --policy /etc/breakwater/policy.yml --from ./snap",
      "  breakwater plan --policy policy.yml --from ./snap --format json | jq .problems",
      "",
      "Policy file format and examples: docs/policy.md.",
      "",
      "Exit codes: 0 the plan is proved, 1 the proof fails (or cannot run), 2 bad policy or input."
    })
public final class PlanCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--policy", paramLabel = "FILE", required = true, description = "The policy file (YAML, see docs/policy.md).")
  Path policy;

  @Option(names = "--from", paramLabel = "DIR", description = "Plan against this snapshot directory instead of the live host (live: needs root for iptables-save and the Docker socket).")
  Path from;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
  OutputFormat format;

  @Option(names = "--netns", paramLabel = "NAME",
      description = "Read the rules in force from this network namespace's firewall (labs and tests).")
  String netns;

  @picocli.CommandLine.Mixin BackendOption backend;

  @Override
  public Integer call() {
    backend.check();
    var parsed = PolicyFile.read(policy);
    Optional<NetworkNamespace> namespace = FirewallOptions.namespace("--netns", netns);
    HostFacts facts = PolicyFacts.read(from, namespace, namespace.map(NetfilterTools::in), spec.commandLine().getErr());
    dev.breakwater.policy.FirewallBackend kind = backend.resolve(facts, spec.commandLine().getErr());
    Plan plan = Plan.make(facts, parsed, ReachProof.engine(), kind);
    String rendered = switch (format) {
      case TEXT -> PlanText.render(plan) + (kind == dev.breakwater.policy.FirewallBackend.NFT ? nftText(plan) : "");
      case JSON -> Json.write(PlanJson.of(plan));
    };
    spec.commandLine().getOut().print(rendered);
    spec.commandLine().getOut().flush();
    return plan.proved() ? ExitCodes.CLEAN : ExitCodes.FINDINGS;
  }

  /** The table apply --backend nft loads, which the proof above was run with. */
  static String nftText(Plan plan) {
    return "\nWith --backend nft, apply loads this table in one 'nft -f' instead of the chain above (the proof"
        + " above ran the engine on the host with this table in place):\n\n"
        + dev.breakwater.policy.NftPolicyText.of(plan.compiled()).table();
  }

}
