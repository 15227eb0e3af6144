package dev.breakwater.host;

import java.util.Optional;

/**
 * The policies {@code /etc/default/ufw} sets for UFW's built-in chains. UFW writes them as the
 * policies of INPUT and FORWARD when it starts (its iptables backend reads this file), so
 * {@code DEFAULT_FORWARD_POLICY="ACCEPT"} turns the FORWARD chain's policy to ACCEPT.
 *
 * @param forwardPolicy {@code DEFAULT_FORWARD_POLICY}; empty when the file does not set it
 * @param inputPolicy {@code DEFAULT_INPUT_POLICY}; empty when the file does not set it
 * @param forwardPolicyLine the line of {@code /etc/default/ufw} that sets the forward policy; 0 when unknown
 */
public record UfwDefaults(Optional<Policy> forwardPolicy, Optional<Policy> inputPolicy, int forwardPolicyLine) {

  public UfwDefaults(Optional<Policy> forwardPolicy, Optional<Policy> inputPolicy) {
    this(forwardPolicy, inputPolicy, 0);
  }

  /** Where the forward policy is set, as findings cite it: {@code /etc/default/ufw:12}. */
  public String forwardPolicyWhere() {
    return "/etc/default/ufw" + (forwardPolicyLine > 0 ? ":" + forwardPolicyLine : "");
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
