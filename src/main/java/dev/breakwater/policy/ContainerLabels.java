package dev.breakwater.policy;

import dev.breakwater.host.Container;
import dev.breakwater.net.AddressSets;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Allows written on containers, for people who keep everything in compose files:
 * {@code breakwater.allow=203.0.113.0/24,2001:db8::/32} (every published port of the container)
 * and {@code breakwater.allow.5432=198.51.100.0/24} (one host port, any protocol).
 *
 * <p>Only as far as the policy's {@link LabelTrust} accepts them: anyone who may start a container
 * writes its labels, so a label the policy does not accept adds nothing, and a note names the
 * container, the label and why (the plan prints it, watch logs it).
 */
final class ContainerLabels {
  static final String PREFIX = "breakwater.allow";

  private ContainerLabels() {}

  /** Every well-formed label, as if the policy accepted them all (the syntax is checked either way). */
  static List<AllowRule> allows(Container container) {
    return allows(container, new LabelTrust(true, List.of(), List.of(), true), new ArrayList<>());
  }

  /**
   * @param notes receives one line per label refused
   * @throws PolicyException for a label that is not well formed
   */
  static List<AllowRule> allows(Container container, LabelTrust trust, List<String> notes) {
    List<AllowRule> rules = new ArrayList<>();
    String name = container.name().startsWith("/") ? container.name().substring(1) : container.name();
    // Sorted so that the compiled rules do not depend on the label map's order.
    for (Map.Entry<String, String> label : new TreeMap<>(container.labels()).entrySet()) {
      String key = label.getKey();
      if (!key.equals(PREFIX) && !key.startsWith(PREFIX + ".")) {
        continue;
      }
      String where = "container " + name + ": label " + key + "=" + label.getValue();
      Optional<Integer> port = Optional.empty();
      if (!key.equals(PREFIX)) {
        String portText = key.substring(PREFIX.length() + 1);
        port = Optional.of(port(portText, where));
      }
      SourcePrefixes.Result sources = SourcePrefixes.parseList(label.getValue());
      if (sources.sources().isEmpty()) {
        throw new PolicyException(where + ": " + sources.problem());
      }
      Optional<String> refused = refusal(container, trust, sources.sources().get());
      if (refused.isPresent()) {
        notes.add(where + ": refused, " + refused.get());
        continue;
      }
      rules.add(new AllowRule(new Selector.ContainerName(name), port, Optional.empty(), sources.sources().get(), "label " + key + " on container " + name));
    }
    return rules;
  }

  /** Why the policy does not accept a well-formed label, if it does not. */
  private static Optional<String> refusal(Container container, LabelTrust trust, Sources sources) {
    if (!trust.accepted()) {
      return Optional.of("the policy does not accept container labels (labels: false, the default; see docs/policy.md)");
    }
    if (!trust.projects().isEmpty() && !trust.projects().contains(container.composeProject())) {
      return Optional.of("the container is not in a Compose project the policy accepts labels from ("
          + (container.composeProject().isEmpty() ? "it has none" : "it is in '" + container.composeProject() + "'")
          + "; accept-from-projects: " + String.join(", ", trust.projects()) + ")");
    }
    if (sources.any() && !trust.allowAny()) {
      return Optional.of("a label may not allow any source unless the policy says 'allow-any-label: true'");
    }
    if (!sources.any() && !trust.within().isEmpty()) {
      List<IPAddress> outside = AddressSets.minus(sources.prefixes(), trust.within());
      if (!outside.isEmpty()) {
        return Optional.of("it allows " + AddressText.describe(outside) + ", outside the policy's labels within: "
            + String.join(", ", trust.within().stream().map(PolicyCompiler::prefixText).toList()));
      }
    }
    return Optional.empty();
  }

  private static int port(String text, String where) {
    try {
      int p = Integer.parseInt(text);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new PolicyException(where + ": expected " + PREFIX + " or " + PREFIX + ".<host port 1-65535>, got '" + text + "' after the dot");
  }
}
