package dev.breakwater.snapshot;

import dev.breakwater.host.RoutingRule;
import dev.breakwater.host.RoutingRule.Action;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads {@code ip -j rule show} and {@code ip -6 -j rule show} (iproute2's {@code ip/iprule.c},
 * print_rule): one object per rule, with {@code priority}, the selectors that are set, and the
 * action ({@code table}, {@code goto}, {@code nop}, {@code action}).
 */
public final class IpRuleReader {
  /** More rules than any host has; beyond this the file is not what {@code ip rule} writes. */
  static final int MAX_RULES = 100_000;

  /** Keys that describe the rule or its printing, not which packets it takes. */
  private static final Set<String> INERT = Set.of("priority", "protocol", "flags", "unresolved", "iif_detached",
      "oif_detached", "realms", "src", "srclen", "dst", "dstlen");

  private IpRuleReader() {}

  /** @param family the family of the command that wrote the file ({@code ip -6} gives V6) */
  public static List<RoutingRule> read(String text, String source, IpFamily family) {
    if (text.isBlank()) {
      return List.of();
    }
    JsonDocument document = JsonDocument.parse(text, source, family == IpFamily.V4 ? "ip -j rule show" : "ip -6 -j rule show");
    List<RoutingRule> rules = new ArrayList<>();
    for (JsonValue root : document.roots()) {
      if (!root.node().isArray()) {
        throw root.problem("expected an array of rules, as ip -j rule show prints");
      }
      for (JsonValue rule : root.elements("an array of rules")) {
        if (rules.size() >= MAX_RULES) {
          throw rule.problem("at most " + MAX_RULES + " rules (ip -j rule show); this file holds more");
        }
        rules.add(rule(rule, source, family));
      }
    }
    return rules;
  }

  private static RoutingRule rule(JsonValue json, String source, IpFamily family) {
    if (!json.node().isObject()) {
      throw json.problem("expected a rule object with priority and an action");
    }
    int priority = json.get("priority").integer().orElseThrow(() -> json.problem("expected the rule's \"priority\""));
    if (priority < 0) {
      throw json.get("priority").problem("expected a priority of 0 or more");
    }
    Optional<IPAddress> from = prefix(json, "src", "srclen", family);
    Optional<IPAddress> to = prefix(json, "dst", "dstlen", family);
    int tos = 0;
    List<String> unknown = new ArrayList<>();
    for (String key : List.of("tos", "dsfield")) {
      Optional<String> t = json.get(key).string();
      if (t.isPresent()) {
        tos = (int) number(json.get(key), t.get(), 0xff);
      }
    }
    long fwmark = 0;
    long fwmask = 0;
    Optional<String> mark = json.get("fwmark").string();
    if (mark.isPresent()) {
      fwmark = number(json.get("fwmark"), mark.get(), 0xffffffffL);
      // iprule.c prints fwmask only when it is not 0xffffffff.
      fwmask = json.get("fwmask").string().map(m -> number(json.get("fwmask"), m, 0xffffffffL)).orElse(0xffffffffL);
    }
    OptionalInt protocol = OptionalInt.empty();
    Optional<String> proto = json.get("ipproto").string();
    if (proto.isPresent()) {
      OptionalInt p = protocolNumber(proto.get());
      if (p.isEmpty()) {
        unknown.add("ipproto " + proto.get());
      }
      protocol = p;
    }
    Optional<PortRange> sport = ports(json, "sport");
    Optional<PortRange> dport = ports(json, "dport");
    Optional<RoutingRule.UidRange> uid = Optional.empty();
    if (json.get("uid_start").present() || json.get("uid_end").present()) {
      uid = Optional.of(new RoutingRule.UidRange(
          json.get("uid_start").integer().orElseThrow(() -> json.problem("expected \"uid_start\" beside \"uid_end\"")),
          json.get("uid_end").integer().orElseThrow(() -> json.problem("expected \"uid_end\" beside \"uid_start\""))));
    }
    boolean l3mdev = json.get("l3mdev").node().isNull();
    OptionalLong tunId = json.get("tun_id").present()
        ? OptionalLong.of(json.get("tun_id").node().asLong()) : OptionalLong.empty();
    Action action;
    String table = "";
    int target = 0;
    if (json.get("goto").present()) {
      action = Action.GOTO;
      target = json.get("goto").integer().orElseThrow();
    } else if (json.get("nop").node().isNull()) {
      action = Action.NOP;
    } else if (json.get("action").present()) {
      String a = json.get("action").string().orElseThrow();
      action = switch (a) {
        case "blackhole" -> Action.BLACKHOLE;
        case "unreachable" -> Action.UNREACHABLE;
        case "prohibit" -> Action.PROHIBIT;
        default -> throw json.get("action").problem("expected blackhole, unreachable or prohibit, found '" + a + "'");
      };
    } else {
      action = Action.LOOKUP;
      table = json.get("table").present() ? text(json.get("table"))
          : json.get("l3mdev").node().isNull() ? "" : throwMissingAction(json);
    }
    int suppressLength = json.get("suppress_prefixlen").present() ? json.get("suppress_prefixlen").integer().orElseThrow() : -1;
    Optional<String> suppressGroup = json.get("suppress_ifgroup").present()
        ? Optional.of(text(json.get("suppress_ifgroup"))) : Optional.empty();
    Set<String> known = Set.of("not", "tos", "dsfield", "fwmark", "fwmask", "iif", "oif", "ipproto", "sport", "sport_start",
        "sport_end", "dport", "dport_start", "dport_end", "uid_start", "uid_end", "l3mdev", "tun_id", "goto", "nop", "action",
        "table", "suppress_prefixlen", "suppress_ifgroup");
    for (Map.Entry<String, JsonValue> e : json.properties("a rule object").entrySet()) {
      if (!INERT.contains(e.getKey()) && !known.contains(e.getKey())) {
        // A selector a newer iproute2 prints (dscp, flowlabel, ...): which packets it takes is not known here.
        unknown.add(e.getKey() + (e.getValue().node().isNull() ? "" : " " + e.getValue().node().asString()));
      }
    }
    return new RoutingRule(family, source, priority, json.get("not").node().isNull(), from, to, tos, fwmark, fwmask,
        json.get("iif").string(), json.get("oif").string(), protocol, sport, dport, uid, l3mdev, tunId, unknown, action,
        table, target, suppressLength, suppressGroup);
  }

  private static String throwMissingAction(JsonValue json) {
    throw json.problem("expected the rule's action: \"table\", \"goto\", \"nop\" or \"action\"");
  }

  /** A table name or number, a group name or number: printed as a string, or a number by some versions. */
  private static String text(JsonValue v) {
    if (v.node().isNumber()) {
      return v.node().asString();
    }
    return v.string().filter(s -> !s.isEmpty()).orElseThrow(() -> v.problem("expected a name or a number"));
  }

  private static Optional<IPAddress> prefix(JsonValue json, String key, String lengthKey, IpFamily family) {
    Optional<String> text = json.get(key).string();
    if (text.isEmpty() || text.get().equals("all")) {
      return Optional.empty();
    }
    IPAddress a = JsonValue.parseAddress(text.get());
    if (a == null || a.isPrefixed() || IpFamily.of(a) != family) {
      throw json.get(key).problem("expected \"all\" or an " + family.label() + " address, found '" + text.get() + "'");
    }
    int bits = a.getBitCount();
    int length = json.get(lengthKey).present() ? json.get(lengthKey).integer().orElseThrow() : bits;
    if (length < 0 || length > bits) {
      throw json.get(lengthKey).problem("expected a prefix length of 0.." + bits);
    }
    return Optional.of(a.setPrefixLength(length, false).toPrefixBlock());
  }

  private static Optional<PortRange> ports(JsonValue json, String key) {
    if (json.get(key).present()) {
      int p = port(json.get(key));
      return Optional.of(PortRange.of(p));
    }
    if (json.get(key + "_start").present() || json.get(key + "_end").present()) {
      int first = port(json.get(key + "_start"));
      int last = port(json.get(key + "_end"));
      if (first > last) {
        throw json.get(key + "_end").problem("expected an end port no lower than the start");
      }
      return Optional.of(new PortRange(first, last));
    }
    return Optional.empty();
  }

  private static int port(JsonValue v) {
    int p = v.integer().orElseThrow(() -> v.problem("expected a port number"));
    if (p < 0 || p > 65535) {
      throw v.problem("expected a port in 0..65535");
    }
    return p;
  }

  /** {@code 0xca6c}, {@code 0x10}, or decimal. */
  private static long number(JsonValue v, String text, long max) {
    try {
      long n = text.startsWith("0x") || text.startsWith("0X") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
      if (n < 0 || n > max) {
        throw v.problem("expected a value of 0..0x" + Long.toHexString(max) + ", found '" + text + "'");
      }
      return n;
    } catch (NumberFormatException e) {
      throw v.problem("expected a hexadecimal (0x...) or decimal number, found '" + text + "'");
    }
  }

  /** iproute2 prints a protocol by its /etc/protocols name, or {@code ipproto-N} / the number when it has none. */
  private static OptionalInt protocolNumber(String text) {
    return switch (text) {
      case "tcp" -> OptionalInt.of(6);
      case "udp" -> OptionalInt.of(17);
      case "sctp" -> OptionalInt.of(132);
      case "icmp" -> OptionalInt.of(1);
      case "ipv6-icmp", "icmpv6" -> OptionalInt.of(58);
      case "dccp" -> OptionalInt.of(33);
      case "udplite" -> OptionalInt.of(136);
      default -> {
        String digits = text.startsWith("ipproto-") ? text.substring("ipproto-".length()) : text;
        try {
          int n = Integer.parseInt(digits);
          yield n >= 0 && n <= 255 ? OptionalInt.of(n) : OptionalInt.empty();
        } catch (NumberFormatException e) {
          yield OptionalInt.empty();
        }
      }
    };
  }
}
