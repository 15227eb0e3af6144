package dev.breakwater.hostconf;

import dev.breakwater.catalog.Severity;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /etc/default/ufw} as a repository holds it: the last {@code DEFAULT_FORWARD_POLICY} line
 * (a later line wins, as when ufw sources the file). Read leniently: other lines are not checked,
 * since lint reports what the file means, not whether ufw accepts it.
 */
public final class UfwDefaultChecks {
  public static final String FORWARD_ACCEPT = "ufw-forward-accept";
  private static final Pattern FORWARD = Pattern.compile("^\\s*DEFAULT_FORWARD_POLICY\\s*=\\s*[\"']?([A-Za-z]+)[\"']?\\s*(#.*)?$");

  private UfwDefaultChecks() {}

  public static List<HostConfigFinding> of(String text, String file) {
    Optional<HostConfigFinding> last = Optional.empty();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = FORWARD.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      ConfigPlace at = new ConfigPlace(file, i + 1, lines.get(i).indexOf('D') + 1);
      last = m.group(1).equalsIgnoreCase("ACCEPT")
          ? Optional.of(new HostConfigFinding(FORWARD_ACCEPT, Severity.MEDIUM, at,
              "DEFAULT_FORWARD_POLICY=\"ACCEPT\" makes ACCEPT the FORWARD chain's policy: every routed path no rule"
                  + " drops is open, to every published port and every container address, whatever 'ufw status'"
                  + " says about incoming traffic",
              "set DEFAULT_FORWARD_POLICY=\"DROP\" and allow what is forwarded on purpose with 'ufw route allow'"
                  + " (container egress: 'ufw route allow in on docker0 out on EXT_IF'; a public port: 'ufw route"
                  + " allow proto tcp to CONTAINER_IP port PORT'), then 'ufw reload'"))
          : Optional.empty();
    }
    return last.stream().toList();
  }
}
