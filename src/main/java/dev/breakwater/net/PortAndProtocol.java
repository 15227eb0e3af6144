package dev.breakwater.net;

import java.util.List;
import java.util.Optional;

/**
 * A port and its protocol as a person writes what is meant to be open: {@code 22/tcp},
 * {@code 443/udp}, or {@code 443} for both TCP and UDP (443 is HTTPS over TCP and HTTP/3 over
 * UDP). One grammar for {@code audit --expect-open} and the policy file's {@code expect-open:}.
 */
public record PortAndProtocol(int port, Transport protocol) {

  /**
   * @throws IllegalArgumentException with a message that starts with "expected" and quotes the
   *     item, for the caller to put after the option or the file position
   */
  public static List<PortAndProtocol> parse(String item) {
    String expected = "expected PORT[/tcp|/udp] with PORT in 1..65535, such as 22/tcp or 443, found '" + item + "'";
    int slash = item.indexOf('/');
    String number = slash < 0 ? item : item.substring(0, slash);
    Optional<Transport> protocol = Optional.empty();
    if (slash >= 0) {
      String name = item.substring(slash + 1);
      protocol = Transport.tryParse(name).filter(t -> t != Transport.SCTP && !name.isBlank());
      if (protocol.isEmpty() || !name.chars().allMatch(Character::isLetter)) {
        throw new IllegalArgumentException(expected);
      }
    }
    if (number.isEmpty() || number.length() > 5 || !number.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(expected);
    }
    int port = Integer.parseInt(number);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(expected);
    }
    return protocol.map(p -> List.of(new PortAndProtocol(port, p)))
        .orElseGet(() -> List.of(new PortAndProtocol(port, Transport.TCP), new PortAndProtocol(port, Transport.UDP)));
  }
}
