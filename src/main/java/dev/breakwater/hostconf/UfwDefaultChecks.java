package dev.breakwater.hostconf;

import dev.breakwater.catalog.Severity;
import java.util.List;

/**
 * What {@code /etc/default/ufw} (read by {@link UfwDefaults#parse}) means for who reaches a
 * port: {@code DEFAULT_FORWARD_POLICY="ACCEPT"} opens every routed path. The finding names the
 * line that sets it.
 */
public final class UfwDefaultChecks {
  public static final String FORWARD_ACCEPT = "ufw-forward-accept";

  private UfwDefaultChecks() {}

  public static List<HostConfigFinding> of(UfwDefaults defaults) {
    if (!defaults.forwardAccepts() || defaults.forwardPolicyAt().isEmpty()) {
      return List.of();
    }
    return List.of(new HostConfigFinding(FORWARD_ACCEPT, Severity.MEDIUM, defaults.forwardPolicyAt().get(),
        "DEFAULT_FORWARD_POLICY=\"ACCEPT\" makes ACCEPT the FORWARD chain's policy: every routed path no rule"
            + " drops is open, to every published port and every container address, whatever 'ufw status'"
            + " says about incoming traffic",
        "set DEFAULT_FORWARD_POLICY=\"DROP\" and allow what is forwarded on purpose with 'ufw route allow'"
            + " (container egress: 'ufw route allow in on docker0 out on EXT_IF'; a public port: 'ufw route"
            + " allow proto tcp to CONTAINER_IP port PORT'), then 'ufw reload'"));
  }
}
