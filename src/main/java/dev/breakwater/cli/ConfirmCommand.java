package dev.breakwater.cli;

import dev.breakwater.firewall.ApplyException;
import dev.breakwater.firewall.ChangeJournal;
import dev.breakwater.firewall.LoginSession;
import dev.breakwater.firewall.StateLock;
import dev.breakwater.firewall.StateStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "confirm",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Keep the change made by the last 'apply --confirm-within'.",
    description = {"Marks the unconfirmed change confirmed in the journal (under the state lock, so it never races the "
        + "rollback timer): the timer then finds nothing to undo, and the change's policy is what the boot unit applies.",
      "",
      "Run it from a NEW SSH connection: that proves the new rules let you in. From the session that applied the change "
        + "(the same SSH connection, terminal or session, as recorded in the journal) it is refused unless --same-session."},
    footer = {"", "Example:", "  sudo breakwater apply --policy policy.yml --confirm-within 2m   # then, from a new SSH connection:",
      "  sudo breakwater confirm",
      "", "Exit codes: 0 confirmed (or nothing was waiting), 1 refused (the change was rolled back already, never finished, "
          + "or this is the session that applied it), 2 bad input or a state directory that cannot be trusted."})
public final class ConfirmCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin FirewallOptions target;

  @Option(names = "--same-session",
      description = "Confirm even from the session that applied the change (for example a tmux reattached from a new connection).")
  boolean sameSession;

  @Override
  public Integer call() {
    StateStore store = target.store();
    String message;
    try (StateLock lock = StateLock.take(store)) {
      message = new ChangeJournal(store, ChangeJournal.DEFAULT_KEEP).confirm(LoginSession.current(), sameSession).message();
    } catch (ApplyException e) {
      throw new UserError(e.getMessage(), ExitCodes.FINDINGS);
    }
    spec.commandLine().getOut().println(message);
    spec.commandLine().getOut().flush();
    return ExitCodes.CLEAN;
  }
}
