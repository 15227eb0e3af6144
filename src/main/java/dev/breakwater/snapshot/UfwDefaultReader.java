package dev.breakwater.snapshot;

import dev.breakwater.host.UfwDefaults;
import dev.breakwater.host.UfwDefaults.Policy;
import java.util.Optional;

/**
 * Reads {@code ufw-default}, a copy of {@code /etc/default/ufw}: {@code DEFAULT_INPUT_POLICY}
 * and {@code DEFAULT_FORWARD_POLICY}. Other keys (IPV6, MANAGE_BUILTINS, IPT_SYSCTL, ...) are
 * ignored.
 */
final class UfwDefaultReader {
  private UfwDefaultReader() {}

  /** @throws SnapshotFileException at a line that is not a setting, or a policy other than ACCEPT, DROP, REJECT */
  static UfwDefaults read(String text, String source) {
    KeyValueFile file = KeyValueFile.parse(text, source, "/etc/default/ufw");
    return new UfwDefaults(policy(file, "DEFAULT_FORWARD_POLICY"), policy(file, "DEFAULT_INPUT_POLICY"),
        file.last("DEFAULT_FORWARD_POLICY").map(KeyValueFile.Entry::line).orElse(0));
  }

  private static Optional<Policy> policy(KeyValueFile file, String key) {
    return file.last(key).map(entry -> Policy.of(entry.value())
        .orElseThrow(() -> file.problem(entry, "expected " + key + "=\"ACCEPT\", \"DROP\" or \"REJECT\"")));
  }
}
