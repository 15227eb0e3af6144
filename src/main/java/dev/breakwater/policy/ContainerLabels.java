package dev.breakwater.policy;

import dev.breakwater.host.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Allows written on containers, for people who keep everything in compose files:
 * {@code breakwater.allow=203.0.113.0/24,2001:db8::/32} (every published port of the container)
 * and {@code breakwater.allow.5432=198.51.100.0/24} (one host port, any protocol).
 */
final class ContainerLabels {
  static final String PREFIX = "breakwater.allow";

  private ContainerLabels() {}

  static List<AllowRule> allows(Container container) {
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
      rules.add(new AllowRule(new Selector.ContainerName(name), port, Optional.empty(), sources.sources().get(), "label " + key + " on container " + name));
    }
    return rules;
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
