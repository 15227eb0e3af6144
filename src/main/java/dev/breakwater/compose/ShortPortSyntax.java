package dev.breakwater.compose;

import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddressString;
import java.util.Optional;

/**
 * The short port syntax of the Compose Specification and {@code docker run -p}: {@code
 * [[IP:](port|range):](port|range)[/proto]}.
 *
 * <p>Splitting follows Docker's {@code nat.ParsePortSpec}: the last part is the container port,
 * the one before it the host port, and everything before those the address, so unbracketed IPv6
 * ({@code ::1:80:80}) and {@code ::::80} (address {@code ::}, ephemeral host port) work.
 * A hostname where the address belongs is refused, as Compose refuses it.
 */
final class ShortPortSyntax {
  private ShortPortSyntax() {}

  static PortMapping parse(String spec) throws PortSyntaxException {
    String s = spec.trim();
    if (s.isEmpty()) {
      throw new PortSyntaxException("empty port specification");
    }
    Transport protocol = Transport.TCP;
    int slash = s.lastIndexOf('/');
    if (slash >= 0) {
      String proto = s.substring(slash + 1);
      protocol = Transport.tryParse(proto).filter(p -> !proto.matches("\\d+"))
          .orElseThrow(() -> new PortSyntaxException(
              "unknown protocol '" + proto + "' in '" + spec + "': expected tcp, udp or sctp"));
      s = s.substring(0, slash);
    }
    String[] parts = s.split(":", -1);
    String ip = null;
    String hostPort = "";
    String containerPort;
    if (parts.length == 1) {
      containerPort = parts[0];
    } else if (parts.length == 2) {
      hostPort = parts[0];
      containerPort = parts[1];
    } else {
      ip = String.join(":", java.util.Arrays.copyOf(parts, parts.length - 2));
      hostPort = parts[parts.length - 2];
      containerPort = parts[parts.length - 1];
    }
    if (ip != null && ip.startsWith("[") && ip.endsWith("]")) {
      ip = ip.substring(1, ip.length() - 1);
    }
    if (ip != null && !ip.isEmpty()) {
      checkAddress(ip, spec);
    }
    PortRange target = range(containerPort, "container port", spec, 1);
    Optional<PortRange> published = hostPort.isEmpty()
        ? Optional.empty() : Optional.of(range(hostPort, "host port", spec, 0));
    if (published.isPresent() && !target.isSingle() && published.get().size() != target.size()) {
      throw new PortSyntaxException("host range " + published.get() + " and container range "
          + target + " differ in size in '" + spec + "'");
    }
    return new PortMapping(Optional.ofNullable(ip), published, target, protocol);
  }

  static void checkAddress(String ip, String spec) throws PortSyntaxException {
    // The character class already refuses '/', so a prefix never passes as an address.
    if (!ip.matches("[0-9a-zA-Z:.%]+") || !new IPAddressString(ip).isIPAddress()) {
      throw new PortSyntaxException("'" + ip + "' in '" + spec
          + "' is not an IP address (Docker and Compose refuse host names here): write e.g. 127.0.0.1");
    }
  }

  static PortRange range(String text, String what, String spec, int min) throws PortSyntaxException {
    if (!text.matches("\\d{1,5}(-\\d{1,5})?")) {
      throw new PortSyntaxException("expected a " + what + " or range (like 8080 or 8000-8010), found '"
          + text + "' in '" + spec + "'");
    }
    int dash = text.indexOf('-');
    int first = Integer.parseInt(dash < 0 ? text : text.substring(0, dash));
    int last = dash < 0 ? first : Integer.parseInt(text.substring(dash + 1));
    if (first < min || last > 65535 || first > last) {
      throw new PortSyntaxException(what + " '" + text + "' is out of range in '" + spec + "'");
    }
    return new PortRange(first, last);
  }
}
