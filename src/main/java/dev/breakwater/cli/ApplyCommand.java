package dev.breakwater.cli;

import dev.breakwater.gather.PolicyFacts;

import dev.breakwater.host.HostFacts;
import dev.breakwater.firewall.ApplyException;
import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.firewall.FlowCut;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.plan.Plan;
import dev.breakwater.plan.PlanText;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.firewall.RollbackTimer;
import dev.breakwater.firewall.StateStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Apply a policy atomically, with automatic rollback unless confirmed.",
    description = {
      "Plans and proves the change exactly as 'plan' does, and refuses to touch the firewall if the "
          + "proof fails. Then: backs up the filter table, changes only the BREAKWATER chain and its "
          + "jump from DOCKER-USER in one 'iptables-restore --noflush' transaction per address family, "
          + "and checks that iptables-save shows exactly the planned chain; if not, the previous rules "
          + "are put back. Applying the same policy again changes nothing.",
      "",
      "With --confirm-within, the change undoes itself unless 'breakwater confirm' runs in time: if "
          + "the new rules lock you out of SSH, wait and you are back in. INPUT, UFW's chains and "
          + "Docker's chains are never touched. Needs root."
    },
    footer = {
      "",
      "Examples:",
      "  sudo breakwater apply --policy /etc/breakwater/policy.yml --confirm-within 2m",
      "  sudo breakwater confirm            # keep it",
      "  sudo breakwater rollback           # or undo it now",
      "",
      "Exit codes: 0 applied (or nothing to change), 1 refused or failed (the firewall is as it was), 2 bad input."
    })
public final class ApplyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--policy", paramLabel = "FILE", required = true, description = "The policy file (YAML, see docs/policy.md).")
  Path policy;

  @Option(names = "--from", paramLabel = "DIR",
      description = "Take the containers and interfaces from this snapshot directory instead of the live host (the rules always come from the live firewall).")
  Path from;

  @Option(names = "--confirm-within", paramLabel = "DURATION",
      description = "Roll back by itself unless 'breakwater confirm' runs within this time (90s, 5m, 1h).")
  String confirmWithin;

  @Mixin FirewallOptions target;

  @Mixin BackendOption backend;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<Duration> confirm = confirmWithin == null ? Optional.empty() : Optional.of(DurationText.parse("--confirm-within", confirmWithin));
    backend.check();
    var parsed = PolicyFile.read(policy);
    NetfilterTools firewall = target.firewall();
    HostFacts facts = PolicyFacts.read(from, target.namespace(), Optional.of(firewall), spec.commandLine().getErr());
    dev.breakwater.policy.FirewallBackend kind = backend.resolve(facts, spec.commandLine().getErr());
    Plan plan = Plan.make(facts, parsed, ReachProof.engine(), kind);
    out.print(PlanText.render(plan));
    out.flush();
    if (!plan.proved()) {
      throw new UserError("apply refused: the plan is not proved (see above); nothing was changed", ExitCodes.FINDINGS);
    }
    StateStore store = target.store();
    if (kind == dev.breakwater.policy.FirewallBackend.NFT) {
      out.print(PlanCommand.nftText(plan));
    }
    ApplyTransaction transaction = new ApplyTransaction(firewall, store, kind);
    // IPv4 and IPv6 are two iptables commits: the engine picks the order (or the hold) that keeps
    // the state between them within one of the two ends (plan.CommitWindow, docs/policy.md).
    Optional<dev.breakwater.policy.CommitSequence> order = Optional.empty();
    if (kind == dev.breakwater.policy.FirewallBackend.IPTABLES) {
      var window = dev.breakwater.plan.CommitWindow.choose(facts, Plan.afterApply(facts, plan.compiled()), ReachProof.engine().orElseThrow());
      if (!window.holds()) {
        throw new UserError("apply refused: no order of the IPv4 and IPv6 commits keeps the host within the old or the new"
            + " policy: " + String.join("; ", window.problems()) + "; nothing was changed", ExitCodes.FINDINGS);
      }
      order = Optional.of(window.sequence());
      if (window.sequence().steps().size() > 1) {
        out.println("\nCommit order: " + window.sequence().describe() + " (no state in between is looser than both ends).");
      }
    }
    ApplyTransaction.Outcome outcome;
    try {
      outcome = transaction.apply(plan.compiled(), order);
    } catch (ApplyException e) {
      throw new UserError("apply failed: " + e.getMessage(), ExitCodes.FINDINGS);
    }
    if (!outcome.changed()) {
      out.println("\nNothing to change: the firewall already holds this policy.");
      out.flush();
      return ExitCodes.CLEAN;
    }
    out.println(kind == dev.breakwater.policy.FirewallBackend.NFT
        ? "\nApplied; nft list table inet breakwater shows exactly the planned table. Backup in " + store.dir() + "."
        : "\nApplied; iptables-save shows exactly the planned chain. Backup in " + store.dir() + ".");
    // The chain passes ESTABLISHED traffic first: a session opened before this change would outlive it.
    FlowCut.Result cut = FlowCut.cut(firewall, plan.compiled(), facts);
    if (cut.cut() > 0) {
      out.println("Cut " + cut.cut() + " open connection" + (cut.cut() == 1 ? "" : "s") + " that the policy now forbids.");
    }
    cut.notes().forEach(n -> spec.commandLine().getErr().println("note: " + n));
    if (confirm.isPresent()) {
      String token = UUID.randomUUID().toString();
      store.writePending(token);
      List<String> args = new ArrayList<>(List.of("rollback", "--if-unconfirmed", token,
          "--wait", confirm.get().toMillis() + "ms"));
      args.addAll(target.asArguments());
      try {
        RollbackTimer.start(Main.selfCommand(), args, store.timerLog());
      } catch (ApplyException e) {
        transaction.rollback();
        store.clearPending();
        throw new UserError(e.getMessage() + "; the change was rolled back", ExitCodes.FINDINGS);
      }
      out.println("Run 'breakwater confirm' within " + confirmWithin + " to keep it; otherwise it rolls back by itself.");
    }
    out.flush();
    return ExitCodes.CLEAN;
  }
}
