package dev.breakwater.hostconf;

import dev.breakwater.problem.BadInput;
import java.util.Optional;

/**
 * The policies {@code /etc/default/ufw} sets for UFW's built-in chains, read by the file's one
 * reader ({@link #parse}) for the snapshot and lint alike. UFW writes them as the policies of
 * INPUT and FORWARD when it starts (its iptables backend reads this file), so
 * {@code DEFAULT_FORWARD_POLICY="ACCEPT"} turns the FORWARD chain's policy to ACCEPT.
 *
 * @param forwardPolicy {@code DEFAULT_FORWARD_POLICY}; empty when the file does not set it
 * @param inputPolicy {@code DEFAULT_INPUT_POLICY}; empty when the file does not set it
 * @param forwardPolicyAt the line that sets the forward policy (its key), in the file findings cite
 */
public record UfwDefaults(Optional<Policy> forwardPolicy, Optional<Policy> inputPolicy,
    Optional<ConfigPlace> forwardPolicyAt) {

  static final String FILE = "/etc/default/ufw";

  public UfwDefaults(Optional<Policy> forwardPolicy, Optional<Policy> inputPolicy) {
    this(forwardPolicy, inputPolicy, Optional.empty());
  }

  /** {@link #parse(String, String, String)} for a file cited by the name it was read under (lint). */
  public static UfwDefaults parse(String text, String file) {
    return parse(text, file, file);
  }

  /**
   * Reads {@code DEFAULT_FORWARD_POLICY} and {@code DEFAULT_INPUT_POLICY} (the last line of each
   * wins, as when ufw's scripts source the file); other keys (IPV6, MANAGE_BUILTINS, IPT_SYSCTL,
   * ...) are ignored, every line must still be a setting, a comment or blank.
   *
   * @param source the file read, named in errors (a snapshot's ufw-default)
   * @param citedAs the file findings cite (the host's /etc/default/ufw)
   * @throws BadInput at a line that is not a setting, or a policy other than ACCEPT, DROP, REJECT
   */
  public static UfwDefaults parse(String text, String source, String citedAs) {
    KeyValueFile file = KeyValueFile.parse(text, source, citedAs, FILE);
    return new UfwDefaults(policy(file, "DEFAULT_FORWARD_POLICY"), policy(file, "DEFAULT_INPUT_POLICY"),
        file.last("DEFAULT_FORWARD_POLICY").map(KeyValueFile.Entry::keyAt));
  }

  private static Optional<Policy> policy(KeyValueFile file, String key) {
    return file.last(key).map(entry -> Policy.of(entry.value())
        .orElseThrow(() -> file.problem(entry, "expected " + key + "=\"ACCEPT\", \"DROP\" or \"REJECT\"")));
  }

  /** Where the forward policy is set, as the audit cites it: {@code /etc/default/ufw:12}. */
  public String forwardPolicyWhere() {
    return forwardPolicyAt.map(at -> at.file() + ":" + at.line()).orElse(FILE);
  }

  /** The three values UFW accepts for a default policy (it lower-cases what it reads). */
  public enum Policy {
    ACCEPT, DROP, REJECT;

    public static Optional<Policy> of(String text) {
      for (Policy policy : values()) {
        if (policy.name().equalsIgnoreCase(text)) {
          return Optional.of(policy);
        }
      }
      return Optional.empty();
    }
  }

  public boolean forwardAccepts() {
    return forwardPolicy.filter(p -> p == Policy.ACCEPT).isPresent();
  }
}
