package dev.breakwater.snapshot;

import dev.breakwater.host.FirewalldSetup;
import dev.breakwater.host.FirewalldSetup.Running;
import dev.breakwater.hostconf.KeyValueFile;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads firewalld's two snapshot files: {@code firewalld.conf} (a copy of
 * {@code /etc/firewalld/firewalld.conf}: FirewallBackend, StrictForwardPorts) and
 * {@code firewall-cmd-state.txt} ({@code firewall-cmd --state}: {@code running} or
 * {@code not running}).
 */
final class FirewalldReader {
  private FirewalldReader() {}

  /**
   * @param conf firewalld.conf's text, empty when the snapshot has none
   * @param state firewall-cmd-state.txt's text, empty when the snapshot has none
   * @throws dev.breakwater.problem.BadInput for a line or a value firewalld would not read that way
   */
  static FirewalldSetup read(Optional<String> conf, String confSource, Optional<String> state, String stateSource) {
    Optional<String> backend = Optional.empty();
    boolean strict = false; // firewalld.conf: "Defaults to "no"."
    if (conf.isPresent()) {
      KeyValueFile file = KeyValueFile.parse(conf.get(), confSource, "/etc/firewalld/firewalld.conf");
      Optional<KeyValueFile.Entry> backendEntry = file.last("FirewallBackend");
      if (backendEntry.isPresent()) {
        String value = backendEntry.get().value().toLowerCase(Locale.ROOT);
        if (!value.equals("nftables") && !value.equals("iptables")) {
          throw file.problem(backendEntry.get(), "expected FirewallBackend=nftables or iptables");
        }
        backend = Optional.of(value);
      }
      Optional<KeyValueFile.Entry> strictEntry = file.last("StrictForwardPorts");
      if (strictEntry.isPresent()) {
        // firewalld.conf writes yes or no; true and false, in any case, are read as the same.
        String value = strictEntry.get().value().toLowerCase(Locale.ROOT);
        strict = switch (value) {
          case "yes", "true" -> true;
          case "no", "false" -> false;
          default -> throw file.problem(strictEntry.get(), "expected StrictForwardPorts=yes or no");
        };
      }
    }
    return new FirewalldSetup(state.map(text -> running(text, stateSource)).orElse(Running.UNKNOWN), backend, strict);
  }

  private static Running running(String text, String source) {
    Optional<String> first = text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst();
    if (first.isEmpty()) {
      return Running.UNKNOWN;
    }
    return switch (first.get()) {
      case "running" -> Running.YES;
      case "not running" -> Running.NO;
      default -> {
        int line = (int) text.lines().takeWhile(l -> l.isBlank()).count() + 1;
        throw new SnapshotFileException(source, line, 1,
            "expected 'running' or 'not running', as firewall-cmd --state prints, found '" + first.get() + "'");
      }
    };
  }
}
