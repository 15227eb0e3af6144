package dev.breakwater.cli;


import dev.breakwater.net.IpFamily;
import dev.breakwater.firewall.ApplyException;
import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.firewall.StateStore;
import dev.breakwater.firewall.ChangeJournal;
import dev.breakwater.firewall.StateLock;
import java.util.Optional;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Restore the firewall state from before the last apply.",
    description = "Puts the BREAKWATER chain and its jumps from DOCKER-USER back as they were before the last "
        + "change in the journal (from its backup, refused when the backup does not match the SHA-256 the journal "
        + "recorded), in one iptables-restore transaction per family, and verifies the result. Rolling back a "
        + "confirmed change makes the policy confirmed before it the one boot applies. Nothing else is touched. Needs root.",
    footer = {"", "Example:", "  sudo breakwater rollback", "",
      "Exit codes: 0 rolled back (or already in that state), 1 failed (the message says what is in force), "
          + "2 bad input or a state directory (or backup) that cannot be trusted."})
public final class RollbackCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin FirewallOptions target;

  @Option(names = "--if-unconfirmed", paramLabel = "TOKEN", hidden = true,
      description = "Started by 'apply --confirm-within': roll back only if this change is still unconfirmed.")
  String ifUnconfirmed;

  @Option(names = "--wait", paramLabel = "DURATION", hidden = true, description = "Wait this long first (with --if-unconfirmed).")
  String waitFor;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    target.namespace();
    StateStore store = target.store();
    if (ifUnconfirmed != null && waitFor != null) {
      // The wait is outside the lock: confirm and a later apply must be able to run meanwhile.
      Thread.sleep(DurationText.parse("--wait", waitFor).toMillis());
    }
    String who = ifUnconfirmed != null ? "by the timer (not confirmed in time)" : "by 'breakwater rollback'";
    ChangeJournal.RolledBack result;
    try (StateLock lock = StateLock.take(store)) {
      ChangeJournal journal = new ChangeJournal(store, ChangeJournal.DEFAULT_KEEP);
      if (ifUnconfirmed != null) {
        out.println(Instant.now() + " timer of change " + ifUnconfirmed + ": checking the journal");
      }
      result = journal.rollback(new ApplyTransaction(target.firewall(), store), Optional.ofNullable(ifUnconfirmed), who);
    } catch (ApplyException e) {
      throw new UserError("rollback failed: " + e.getMessage(), ExitCodes.FINDINGS);
    }
    if (!result.message().isEmpty()) {
      out.println(ifUnconfirmed != null ? Instant.now() + " " + result.message() : result.message());
    } else {
      var change = result.change().orElseThrow();
      out.println((ifUnconfirmed != null ? Instant.now() + " " : "") + (result.families().isEmpty()
          ? "Rolled back " + change.name() + " in the journal: the firewall already was as it was before it."
          : "Rolled back " + change.name() + ", " + String.join(" and ", result.families().stream().map(IpFamily::label).toList())
              + (change.backend() == dev.breakwater.policy.FirewallBackend.NFT
                  ? ": the inet breakwater table is as it was before it."
                  : ": the BREAKWATER chain and its jumps are as they were before it.")));
    }
    out.flush();
    return ExitCodes.CLEAN;
  }
}
