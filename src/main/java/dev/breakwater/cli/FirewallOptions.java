package dev.breakwater.cli;


import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.NetworkNamespace;
import dev.breakwater.firewall.StateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which firewall apply, confirm and rollback act on, and where they keep their state. */
final class FirewallOptions {
  static final String STATE_ENV = "BREAKWATER_STATE_DIR";

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where the journal of changes, its lock, the backups and the policy copies live: a directory "
          + "of root's, mode 0700, created so when missing (default: $" + STATE_ENV + ", else /var/lib/breakwater).")
  Path stateDir;

  @Option(names = "--netns", paramLabel = "NAME",
      description = "Act on the firewall of this network namespace (as 'ip netns list' names it) instead of the host's: for labs and tests.")
  String netns;

  StateStore store() {
    if (stateDir != null) {
      return new StateStore(stateDir);
    }
    String env = System.getenv(STATE_ENV);
    return new StateStore(env != null && !env.isBlank() ? Path.of(env) : StateStore.DEFAULT);
  }

  NetfilterTools firewall() {
    return namespace("--netns", netns).map(NetfilterTools::in).orElseGet(NetfilterTools::host);
  }

  /**
   * The namespace {@code option} names, read by the one rule of {@link NetworkNamespace}. That it
   * exists is checked where it is entered, so that a command that need not enter it (a rollback
   * with nothing to roll back) still says what it would say.
   */
  static Optional<NetworkNamespace> namespace(String option, String name) {
    return name == null ? Optional.empty() : Optional.of(NetworkNamespace.named(option, name));
  }

  Optional<NetworkNamespace> namespace() {
    return namespace("--netns", netns);
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
