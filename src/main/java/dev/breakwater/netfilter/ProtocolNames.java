package dev.breakwater.netfilter;

import java.util.Locale;
import java.util.Map;

/**
 * The protocol names iptables-save prints for {@code -p}: its built-in table ({@code
 * xtables_chain_protos}) plus the usual {@code /etc/protocols} names, so a dump is read the same
 * on a machine whose {@code /etc/protocols} differs.
 */
final class ProtocolNames {
  private ProtocolNames() {}

  static final int ALL = 0;

  private static final Map<String, Integer> NUMBERS = Map.ofEntries(
      Map.entry("all", 0),
      Map.entry("icmp", 1),
      Map.entry("igmp", 2),
      Map.entry("ipencap", 4),
      Map.entry("tcp", 6),
      Map.entry("egp", 8),
      Map.entry("udp", 17),
      Map.entry("dccp", 33),
      Map.entry("ipv6", 41),
      Map.entry("ipv6-route", 43),
      Map.entry("ipv6-frag", 44),
      Map.entry("gre", 47),
      Map.entry("esp", 50),
      Map.entry("ah", 51),
      Map.entry("ipv6-icmp", 58),
      Map.entry("icmpv6", 58),
      Map.entry("ipv6-nonxt", 59),
      Map.entry("ipv6-opts", 60),
      Map.entry("ospf", 89),
      Map.entry("pim", 103),
      Map.entry("vrrp", 112),
      Map.entry("l2tp", 115),
      Map.entry("sctp", 132),
      Map.entry("mh", 135),
      Map.entry("udplite", 136));

  /** The IANA number for a name or a decimal number 0..255; -1 if neither. */
  static int number(String text) {
    Integer known = NUMBERS.get(text.toLowerCase(Locale.ROOT));
    if (known != null) {
      return known;
    }
    if (text.isEmpty() || text.length() > 3) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value <= 255 ? value : -1;
  }

  /**
   * The match module {@code -p} loads implicitly, whose options ({@code --dport}, {@code
   * --icmp-type}) may then be written without {@code -m}; null if none.
   */
  static String implicitModule(int number) {
    return switch (number) {
      case 1 -> "icmp";
      case 6 -> "tcp";
      case 17 -> "udp";
      case 33 -> "dccp";
      case 58 -> "icmp6";
      case 132 -> "sctp";
      case 136 -> "udplite";
      default -> null;
    };
  }
}
