package dev.breakwater.cli;

import dev.breakwater.problem.UserError;

import dev.breakwater.firewall.IptablesApplier;
import dev.breakwater.firewall.StateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which firewall apply, confirm and rollback act on, and where they keep their state. */
final class FirewallOptions {
  static final String STATE_ENV = "BREAKWATER_STATE_DIR";

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where backups, the last applied chain and the unconfirmed-change marker live "
          + "(default: $" + STATE_ENV + ", else /var/lib/breakwater).")
  Path stateDir;

  @Option(names = "--netns", paramLabel = "NAME",
      description = "Act on the firewall of this network namespace (ip netns exec NAME ...) instead of the host's: for labs and tests.")
  String netns;

  StateStore store() {
    if (stateDir != null) {
      return new StateStore(stateDir);
    }
    String env = System.getenv(STATE_ENV);
    return new StateStore(env != null && !env.isBlank() ? Path.of(env) : StateStore.DEFAULT);
  }

  IptablesApplier firewall() {
    if (netns == null) {
      return IptablesApplier.host();
    }
    try {
      return IptablesApplier.inNamespace(netns);
    } catch (IllegalArgumentException e) {
      throw new UserError("--netns: expected a namespace name (A-Z a-z 0-9 _ . -, up to 64), got '" + netns + "'");
    }
  }

  /** The same options, for a process started on their behalf (the rollback timer). */
  List<String> asArguments() {
    List<String> args = new ArrayList<>(List.of("--state-dir", store().dir().toAbsolutePath().toString()));
    if (netns != null) {
      args.addAll(List.of("--netns", netns));
    }
    return args;
  }
}
