package dev.breakwater.cli;

import dev.breakwater.firewall.StateStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "confirm",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Keep the change made by the last 'apply --confirm-within'.",
    description = "Removes the marker of the unconfirmed change, so the rollback timer started by apply finds nothing to undo.",
    footer = {"", "Example:", "  sudo breakwater apply --policy policy.yml --confirm-within 2m   # then, still connected:", "  sudo breakwater confirm",
      "", "Exit codes: 0 confirmed (or nothing was waiting), 2 bad input."})
public final class ConfirmCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin FirewallOptions target;

  @Override
  public Integer call() {
    StateStore store = target.store();
    if (store.pending().isEmpty()) {
      spec.commandLine().getOut().println("Nothing to confirm: no unconfirmed change in " + store.dir() + ".");
    } else {
      store.clearPending();
      spec.commandLine().getOut().println("Confirmed: the applied policy stays in force.");
    }
    spec.commandLine().getOut().flush();
    return ExitCodes.CLEAN;
  }
}
