package dev.breakwater.cli;


import dev.breakwater.net.IpFamily;
import dev.breakwater.firewall.ApplyException;
import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.firewall.StateStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
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
        + "apply that changed them (from the backup in the state directory), in one iptables-restore "
        + "transaction per family, and verifies the result. Nothing else is touched. Needs root.",
    footer = {"", "Example:", "  sudo breakwater rollback", "",
      "Exit codes: 0 rolled back (or already in that state), 1 failed, 2 bad input."})
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
    StateStore store = target.store();
    if (ifUnconfirmed != null) {
      if (waitFor != null) {
        Thread.sleep(DurationText.parse("--wait", waitFor).toMillis());
      }
      if (!store.pending().map(ifUnconfirmed::equals).orElse(false)) {
        out.println(Instant.now() + " change " + ifUnconfirmed + " was confirmed or superseded: nothing to roll back");
        out.flush();
        return ExitCodes.CLEAN;
      }
      out.println(Instant.now() + " change " + ifUnconfirmed + " was not confirmed in time: rolling back");
    }
    List<IpFamily> changed;
    try {
      changed = new ApplyTransaction(target.firewall(), store).rollback();
    } catch (ApplyException e) {
      throw new UserError("rollback failed: " + e.getMessage(), ExitCodes.FINDINGS);
    }
    store.clearPending();
    out.println(changed.isEmpty()
        ? "Nothing to roll back: the firewall already is as it was before the last apply."
        : "Rolled back " + String.join(" and ", changed.stream().map(IpFamily::label).toList())
            + (store.backend() == dev.breakwater.policy.FirewallBackend.NFT
                ? ": the inet breakwater table is as it was before the last apply."
                : ": the BREAKWATER chain and its jumps are as they were before the last apply."));
    out.flush();
    return ExitCodes.CLEAN;
  }
}
