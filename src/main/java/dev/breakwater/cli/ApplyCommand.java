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
import dev.breakwater.firewall.ChangeJournal;
import dev.breakwater.firewall.LoginSession;
import dev.breakwater.firewall.StateLock;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
      "  sudo breakwater confirm            # keep it: run from a NEW SSH connection",
      "  sudo breakwater rollback           # or undo it now",
      "",
      "Exit codes: 0 applied (or nothing to change), 1 refused (nothing changed) or failed (the message says which rules are in"
          + " force), 2 bad input or a state directory that cannot be trusted."
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

  @Option(names = "--replace-unconfirmed",
      description = "Apply even though an earlier change is still unconfirmed: the new one supersedes it (its timer does nothing)"
          + " and rolls back, if it is not confirmed either, to the state before the earlier one.")
  boolean replaceUnconfirmed;

  @Option(names = "--keep", paramLabel = "N", defaultValue = "" + ChangeJournal.DEFAULT_KEEP,
      description = "Keep the backups and policy copies of the last N changes in the state directory (default: ${DEFAULT-VALUE}).")
  int keep;

  @Option(names = "--at-boot",
      description = "For the boot unit: apply the last CONFIRMED policy (a change not confirmed before the reboot is dropped, and"
          + " the journal says so); --policy only when no policy was ever confirmed.")
  boolean atBoot;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<Duration> confirm = confirmWithin == null ? Optional.empty() : Optional.of(DurationText.parse("--confirm-within", confirmWithin));
    if (keep < 1) {
      throw new UserError("--keep: expected a number of changes of at least 1, got " + keep);
    }
    if (atBoot && confirm.isPresent()) {
      throw new UserError("--at-boot: nobody is at the keyboard to confirm at boot: leave out --confirm-within");
    }
    backend.check();
    target.namespace();
    StateStore store = target.store();
    try (StateLock lock = StateLock.take(store)) {
      ChangeJournal journal = new ChangeJournal(store, keep);
      Path policyFile = policy;
      if (atBoot) {
        ChangeJournal.BootChoice choice = journal.atBoot(policy);
        out.println("boot: " + choice.message());
        out.flush();
        if (choice.policy().isEmpty()) {
          return ExitCodes.CLEAN;
        }
        policyFile = choice.policy().get();
        if (choice.confirmedText().isPresent()) {
          return reapplyConfirmed(out, journal, PolicyFile.parse(choice.confirmedText().get(), policyFile.toString()));
        }
      }
      return apply(out, journal, policyFile, confirm);
    }
  }

  private record Prepared(Plan plan, HostFacts facts, NetfilterTools firewall, dev.breakwater.policy.FirewallBackend kind,
      Optional<dev.breakwater.policy.CommitSequence> order) {}

  /** Plans and proves as 'plan' does; refuses (nothing changed) when the proof or the commit order fails. */
  private Prepared prepare(PrintWriter out, dev.breakwater.policy.Policy parsed) {
    NetfilterTools firewall = target.firewall();
    HostFacts facts = PolicyFacts.read(from, target.namespace(), Optional.of(firewall), spec.commandLine().getErr());
    dev.breakwater.policy.FirewallBackend kind = backend.resolve(facts, spec.commandLine().getErr());
    // One engine for the plan's proof and the commit order's: the two ends are proved once.
    dev.breakwater.plan.ReachEngine engine = dev.breakwater.plan.ReachEngine.remembering(ReachProof.engine().orElseThrow());
    Plan plan = Plan.make(facts, parsed, Optional.of(engine), kind);
    out.print(PlanText.render(plan));
    out.flush();
    if (!plan.proved()) {
      throw new UserError("apply refused: the plan is not proved (see above); nothing was changed", ExitCodes.FINDINGS);
    }
    if (kind == dev.breakwater.policy.FirewallBackend.NFT) {
      out.print(PlanCommand.nftText(plan));
    }
    // IPv4 and IPv6 are two iptables commits: the engine picks the order (or the hold) that keeps
    // the state between them within one of the two ends (plan.CommitWindow, docs/policy.md).
    Optional<dev.breakwater.policy.CommitSequence> order = Optional.empty();
    if (kind == dev.breakwater.policy.FirewallBackend.IPTABLES) {
      var window = dev.breakwater.plan.CommitWindow.choose(facts, Plan.afterApply(facts, plan.compiled()), engine);
      if (!window.holds()) {
        throw new UserError("apply refused: no order of the IPv4 and IPv6 commits keeps the host within the old or the new"
            + " policy: " + String.join("; ", window.problems()) + "; nothing was changed", ExitCodes.FINDINGS);
      }
      order = Optional.of(window.sequence());
      if (window.sequence().steps().size() > 1) {
        out.println("\nCommit order: " + window.sequence().describe() + " (no state in between is looser than both ends).");
      }
    }
    return new Prepared(plan, facts, firewall, kind, order);
  }

  private Integer apply(PrintWriter out, ChangeJournal journal, Path policyFile, Optional<Duration> confirm) {
    StateStore store = journal.store();
    // The refusal comes before the plan's work: an unconfirmed change waits.
    try {
      journal.refuseWhileOpen(journal.read(), replaceUnconfirmed);
    } catch (ApplyException e) {
      throw new UserError(e.getMessage(), ExitCodes.FINDINGS);
    }
    // Read once: the journal keeps the very text that was planned and applied.
    PolicyFile.Loaded loaded = PolicyFile.load(policyFile);
    String policyText = loaded.text();
    Prepared p = prepare(out, loaded.policy());
    ApplyTransaction transaction = new ApplyTransaction(p.firewall(), store, p.kind());
    List<String> timerOptions = target.asArguments();
    ChangeJournal.Applied applied;
    try {
      applied = journal.apply(transaction, p.plan().compiled(), p.order(), policyText, confirm, replaceUnconfirmed,
          LoginSession.current(), (token, wait) -> {
            List<String> args = new ArrayList<>(List.of("rollback", "--if-unconfirmed", token, "--wait", wait.toMillis() + "ms"));
            args.addAll(timerOptions);
            RollbackTimer.start(Main.selfCommand(), args, store.timerLog());
          });
    } catch (ApplyException e) {
      throw new UserError("apply failed: " + e.getMessage(), ExitCodes.FINDINGS);
    }
    applied.superseded().ifPresent(s -> out.println("\nSuperseded " + s.name() + " (unconfirmed): its timer does nothing now."));
    if (!applied.outcome().changed() && applied.change().isEmpty()) {
      out.println("\nNothing to change: the firewall already holds this policy.");
      out.flush();
      return ExitCodes.CLEAN;
    }
    out.println(p.kind() == dev.breakwater.policy.FirewallBackend.NFT
        ? "\nApplied " + applied.change().get().name() + "; nft list table inet breakwater shows exactly the planned table. Backup in " + store.dir() + "."
        : "\nApplied " + applied.change().get().name() + "; iptables-save shows exactly the planned chain. Backup in " + store.dir() + ".");
    cutForbidden(out, p);
    if (confirm.isPresent()) {
      String confirmCommand = "sudo breakwater confirm" + (store.dir().equals(StateStore.DEFAULT) ? "" : " --state-dir " + store.dir());
      out.println("NOT confirmed yet: it rolls back by itself at " + applied.change().get().deadline().orElseThrow()
          + " (in " + confirmWithin + ").");
      out.println("Keep it: open a NEW SSH connection to this host (proving the new rules let you in) and run there:");
      out.println("  " + confirmCommand);
      out.println("Undo it now: sudo breakwater rollback. This session cannot confirm (it was open before the change).");
    }
    out.flush();
    return ExitCodes.CLEAN;
  }

  /** The boot unit's apply of the confirmed policy: it re-establishes a recorded state, so it records no new change. */
  private Integer reapplyConfirmed(PrintWriter out, ChangeJournal journal, dev.breakwater.policy.Policy confirmedPolicy) {
    Prepared p = prepare(out, confirmedPolicy);
    ApplyTransaction.Outcome outcome;
    try {
      outcome = new ApplyTransaction(p.firewall(), journal.store(), p.kind()).apply(p.plan().compiled(), p.order());
    } catch (ApplyException e) {
      journal.log("boot: applying the confirmed policy failed: " + e.getMessage());
      throw new UserError("apply failed: " + e.getMessage(), ExitCodes.FINDINGS);
    }
    journal.log("boot: the confirmed policy is in force" + (outcome.changed() ? "" : " (it already was)"));
    out.println(outcome.changed() ? "\nApplied the last confirmed policy; verified." : "\nNothing to change: the firewall already holds the confirmed policy.");
    if (outcome.changed()) {
      cutForbidden(out, p);
    }
    out.flush();
    return ExitCodes.CLEAN;
  }

  /** The chain passes ESTABLISHED traffic first: a session opened before this change would outlive it. */
  private void cutForbidden(PrintWriter out, Prepared p) {
    FlowCut.Result cut = FlowCut.cut(p.firewall(), p.plan().compiled(), p.facts());
    if (cut.cut() > 0) {
      out.println("Cut " + cut.cut() + " open connection" + (cut.cut() == 1 ? "" : "s") + " that the policy now forbids.");
    }
    cut.notes().forEach(n -> spec.commandLine().getErr().println("note: " + n));
  }
}
