package dev.breakwater.audit;

import dev.breakwater.net.PortAndProtocol;
import dev.breakwater.net.Transport;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ports the owner means to be reachable from outside ({@code --expect-open 22/tcp,443}): a
 * published port or host listener that outside sources reach and that is not here is a finding.
 * A port written without a protocol means both TCP and UDP (443 is HTTPS over TCP and HTTP/3
 * over UDP).
 *
 * @param given false when no list was given: then nothing is "unexpected"
 */
public record ExpectedOpen(boolean given, List<Port> ports) {

  /** No list: the audit does not know what is meant to be public. */
  public static final ExpectedOpen NONE = new ExpectedOpen(false, List.of());

  /** One expected port and protocol. */
  public record Port(int port, Transport protocol) {
    /** {@code 443/tcp}, the form {@code --expect-open} takes. */
    public String label() {
      return port + "/" + protocol.label();
    }
  }

  public ExpectedOpen {
    ports = List.copyOf(ports);
  }

  /**
   * {@code PORT[/tcp|/udp][,...]}, each value of a repeated option in turn.
   *
   * @throws IllegalArgumentException with a message that starts with "expected" and quotes the
   *     item, for the caller to put after the option's name
   */
  public static ExpectedOpen parse(List<String> values) {
    Set<Port> ports = new LinkedHashSet<>();
    for (String value : values) {
      for (String item : value.split(",", -1)) {
        ports.addAll(item(item.strip()));
      }
    }
    return new ExpectedOpen(true, new ArrayList<>(ports));
  }

  private static List<Port> item(String item) {
    return PortAndProtocol.parse(item).stream().map(p -> new Port(p.port(), p.protocol())).toList();
  }

  /** What a policy file's {@code expect-open:} lists ({@code policy.Policy#expectOpen}). */
  public static ExpectedOpen of(List<PortAndProtocol> ports) {
    return new ExpectedOpen(true, new ArrayList<>(new LinkedHashSet<>(ports.stream().map(p -> new Port(p.port(), p.protocol())).toList())));
  }

  /** Both lists: a port is expected when either names it. */
  public ExpectedOpen and(ExpectedOpen other) {
    if (!other.given) {
      return this;
    }
    if (!given) {
      return other;
    }
    Set<Port> both = new LinkedHashSet<>(ports);
    both.addAll(other.ports);
    return new ExpectedOpen(true, new ArrayList<>(both));
  }

  public boolean expects(int port, Transport protocol) {
    return ports.contains(new Port(port, protocol));
  }

  /** {@code 22/tcp, 443/tcp, 443/udp}: what the user wrote, for messages. */
  public String describe() {
    return String.join(", ", ports.stream().map(Port::label).toList());
  }
}
