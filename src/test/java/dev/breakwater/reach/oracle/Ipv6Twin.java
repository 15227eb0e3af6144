package dev.breakwater.reach.oracle;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab's IPv6 twin: every lab IPv4 address has an IPv6 one in 2001:db8::/32 (its last octet
 * becomes the last hextet, its /24 a /64 on interfaces and a /120 in rules), and every generated
 * ruleset an ip6tables-restore twin with the same chains and rules. The twin is not meant to
 * mean the same as the original (2001:db8::/32 stands for 198.18.0.0/15, for instance): it is a
 * second, valid ruleset for the oracle to check the engine's IPv6 path with.
 */
final class Ipv6Twin {
  private Ipv6Twin() {}

  /** IPv4 /24 -> IPv6 /64, for the lab's networks. */
  private static final Map<String, String> NETWORKS = Map.of(
      "198.51.100.", "2001:db8:1::",
      "198.18.0.", "2001:db8:18::",
      "198.18.1.", "2001:db8:181::",
      "198.18.5.", "2001:db8:5::",
      "198.19.7.", "2001:db8:7::",
      "198.18.8.", "2001:db8:8::",
      "198.18.9.", "2001:db8:9::");

  private static final Pattern ADDRESS = Pattern.compile("\\b(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})(/\\d{1,2})?");
  private static final Pattern DNAT_TO = Pattern.compile("--to-destination (\\d{1,3}(?:\\.\\d{1,3}){3})(:\\S+)?");

  /** An address, with or without a prefix length; interface prefixes (/24) become /64. */
  static String address(String v4) {
    return map(v4, true);
  }

  private static String map(String text, boolean onInterface) {
    Matcher m = ADDRESS.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an IPv4 address: " + text);
    }
    String a = m.group(1);
    String prefix = m.group(2) == null ? "" : m.group(2).substring(1);
    if (a.equals("127.0.0.1") || a.equals("127.0.0.0")) {
      return "::1" + (prefix.isEmpty() ? "" : "/128");
    }
    if (a.equals("198.18.0.0") && prefix.equals("15")) {
      return "2001:db8::/32";
    }
    if (a.equals("0.0.0.0")) {
      return "::" + (prefix.isEmpty() ? "" : "/0");
    }
    for (var e : NETWORKS.entrySet()) {
      if (a.startsWith(e.getKey())) {
        int last = Integer.parseInt(a.substring(e.getKey().length()));
        String host = e.getValue() + (last == 0 ? "" : Integer.toHexString(last));
        if (prefix.isEmpty()) {
          return host;
        }
        int len = Integer.parseInt(prefix);
        int v6 = onInterface && len == 24 ? 64 : len >= 24 ? 96 + len : 64;
        return host + "/" + v6;
      }
    }
    throw new IllegalArgumentException("no IPv6 twin for " + text);
  }

  /**
   * The ip6tables-restore twin of a generated iptables-restore text. IPv6 finds neighbours with
   * ICMPv6, which (unlike ARP) passes through the firewall: ICMPv6 is accepted first in raw and in
   * INPUT, as UFW's ufw6-before-input does, or a drop policy would cut the lab's links.
   */
  static String ruleset(String v4) {
    String s = v4.replace("-p icmp -m icmp --icmp-type 8", "-p ipv6-icmp -m icmp6 --icmpv6-type 128")
        .replaceFirst("(\\*raw\n(?::[^\n]*\n)*)", "$1-A PREROUTING -p ipv6-icmp -j ACCEPT\n")
        .replaceFirst("(\\*filter\n(?::[^\n]*\n)*)", "$1-A INPUT -p ipv6-icmp -j ACCEPT\n");
    Matcher dnat = DNAT_TO.matcher(s);
    StringBuilder out = new StringBuilder();
    while (dnat.find()) {
      String to = map(dnat.group(1), false);
      String replacement = "--to-destination " + (dnat.group(2) == null ? to : "[" + to + "]" + dnat.group(2));
      dnat.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    dnat.appendTail(out);
    Matcher m = ADDRESS.matcher(out.toString());
    StringBuilder done = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(done, Matcher.quoteReplacement(map(m.group(), false)));
    }
    m.appendTail(done);
    return done.toString();
  }
}
