package dev.breakwater.reach;

import dev.breakwater.net.PortRange;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The destination port nf_nat gives a new connection for {@code DNAT --to-destination
 * ADDR:MIN-MAX} or {@code REDIRECT --to-ports MIN-MAX}, after the kernel's
 * {@code get_unique_tuple} (net/netfilter/nf_nat_core.c): "only bother mapping if it's not already
 * in range and unique", so a port inside the range is kept; otherwise
 * {@code nf_nat_l4proto_unique_tuple} starts its search at offset 0 for a destination mapping and
 * takes the range's first port (the only free candidate check it makes is against tuples in use,
 * and a new client's tuple is not). With a base port ({@code MIN-MAX/BASE}, NF_NAT_RANGE_PROTO_OFFSET)
 * the port is always shifted: {@code MIN + (u16)(port - BASE) % size}.
 */
final class NatPortMapping {
  private static final Pattern BASE = Pattern.compile("--to-(?:destination|ports)\\s+\\S*?:?\\d+-\\d+/(\\d+)");
  private static final Pattern RANDOM = Pattern.compile("--random(?:-fully)?\\b");

  private NatPortMapping() {}

  /** The port after the mapping; the packet's own when the target names no ports. */
  static int translate(int port, Optional<PortRange> ports, String ruleText) {
    return translate(port, ports, ports.isEmpty() ? Optional.empty() : base(ruleText));
  }

  /** As {@link #translate(int, Optional, String)}, with the rule's base port already read ({@link #base}). */
  static int translate(int port, Optional<PortRange> ports, Optional<Integer> base) {
    if (ports.isEmpty()) {
      return port;
    }
    PortRange range = ports.get();
    if (base.isPresent()) {
      int size = range.last() - range.first() + 1;
      return range.first() + ((port - base.get()) & 0xffff) % size;
    }
    return range.contains(port) ? port : range.first();
  }

  /**
   * Whether the kernel picks a random port of the range ({@code --random}, {@code --random-fully}:
   * NF_NAT_RANGE_PROTO_RANDOM_ALL skips the keep-if-in-range step): then no single port is the answer.
   */
  static boolean random(Optional<PortRange> ports, String ruleText) {
    return ports.isPresent() && ports.get().first() != ports.get().last() && RANDOM.matcher(ruleText).find();
  }

  /** The base port of {@code MIN-MAX/BASE} in a rule's text, if any. */
  static Optional<Integer> base(String ruleText) {
    Matcher m = BASE.matcher(ruleText);
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }
}
