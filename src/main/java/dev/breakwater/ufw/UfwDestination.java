package dev.breakwater.ufw;

import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ports and protocol of a rule's "To" column: {@code 3306/tcp}, {@code 53} (tcp and udp),
 * {@code 80,443/tcp}, {@code 6000:6007/tcp}, {@code 10.0.0.5 3306/tcp}, {@code Anywhere} (every
 * port), {@code Anywhere on eth0}, {@code 22/tcp (v6)}, or an application profile such as {@code
 * OpenSSH}.
 *
 * @param ports empty when the rule covers every port
 * @param protocol empty when the rule covers tcp and udp
 */
record UfwDestination(List<PortRange> ports, Optional<Transport> protocol, boolean known) {

  private static final Pattern PORTS =
      Pattern.compile("(?<ports>\\d+(?::\\d+)?(?:,\\d+(?::\\d+)?)*)(?:/(?<proto>[a-z]+))?");
  private static final Pattern ANY_PORT = Pattern.compile("(?:Anywhere|any)(?:/(?<proto>[a-z]+))?");

  // The profiles Ubuntu's packages install in /etc/ufw/applications.d; the snapshot does not carry
  // that directory, so other profile names are reported as not understood (they match no port).
  private static final Map<String, String> PROFILES = Map.of(
      "OpenSSH", "22/tcp",
      "Nginx HTTP", "80/tcp",
      "Nginx HTTPS", "443/tcp",
      "Nginx Full", "80,443/tcp",
      "Apache", "80/tcp",
      "Apache Secure", "443/tcp",
      "Apache Full", "80,443/tcp",
      "Postfix", "25/tcp");

  UfwDestination {
    ports = List.copyOf(ports);
  }

  static UfwDestination parse(String to) {
    String text = to.replace("(v6)", "").trim();
    int on = text.indexOf(" on ");
    if (on >= 0) {
      text = text.substring(0, on).trim();
    }
    String profile = PROFILES.get(text);
    if (profile != null) {
      return parse(profile);
    }
    String[] words = text.split("\\s+");
    String last = words[words.length - 1];
    Matcher ports = PORTS.matcher(last);
    if (ports.matches()) {
      List<PortRange> ranges = new ArrayList<>();
      for (String part : ports.group("ports").split(",")) {
        ranges.add(PortRange.parse(part));
      }
      return new UfwDestination(ranges, protocol(ports.group("proto")), true);
    }
    Matcher any = ANY_PORT.matcher(last);
    if (any.matches()) {
      return new UfwDestination(List.of(), protocol(any.group("proto")), true);
    }
    if (words.length == 1 && looksLikeAddress(last)) {
      return new UfwDestination(List.of(), Optional.empty(), true);
    }
    if (words.length > 1 && PROFILES.containsKey(text.substring(text.indexOf(' ') + 1))) {
      return parse(PROFILES.get(text.substring(text.indexOf(' ') + 1)));
    }
    return new UfwDestination(List.of(), Optional.empty(), false);
  }

  boolean covers(int port, Transport proto) {
    if (!known) {
      return false;
    }
    boolean protocolMatches = protocol.map(p -> p == proto).orElse(proto != Transport.SCTP);
    return protocolMatches && (ports.isEmpty() || ports.stream().anyMatch(r -> r.contains(port)));
  }

  private static Optional<Transport> protocol(String text) {
    return text == null ? Optional.empty() : Transport.tryParse(text);
  }

  private static boolean looksLikeAddress(String word) {
    return word.matches("[0-9a-fA-F:.]+(/\\d+)?") && (word.contains(".") || word.contains(":"));
  }
}
