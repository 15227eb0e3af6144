package dev.breakwater.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Renders the expressions of {@code nft -j list ruleset} back into nft's own syntax, as {@code nft
 * -s list ruleset} prints them ({@code iifname != "bridge1" tcp dport 8080 counter dnat to
 * 192.0.2.2:80}), so that findings quote a rule the way its owner wrote it. Only what citations
 * need: an expression this does not know is printed as its JSON, which is still unambiguous.
 */
final class NftText {
  /** meta keys nft prints without the {@code meta} word (src/meta.c, meta_key_is_unqualified). */
  private static final Set<String> UNQUALIFIED_META = Set.of("iif", "oif", "iifname", "oifname", "iifgroup", "oifgroup");
  private static final Set<String> MARK_KEYS = Set.of("mark");

  private NftText() {}

  /** A whole rule: its expressions, then its comment. */
  static String rule(List<JsonNode> expressions, String comment) {
    List<String> parts = new ArrayList<>();
    for (JsonNode e : expressions) {
      String text = statement(e);
      if (!text.isEmpty()) {
        parts.add(text);
      }
    }
    if (!comment.isEmpty()) {
      parts.add("comment " + quote(comment));
    }
    return String.join(" ", parts);
  }

  static String statement(JsonNode e) {
    if (!e.isObject() || e.size() != 1) {
      return e.toString();
    }
    Map.Entry<String, JsonNode> only = e.properties().iterator().next();
    String key = only.getKey();
    JsonNode v = only.getValue();
    return switch (key) {
      case "match" -> match(v);
      case "counter" -> "counter";
      case "accept", "drop", "return", "continue" -> key;
      case "jump", "goto" -> key + " " + v.path("target").asString("");
      case "reject" -> reject(v);
      case "dnat", "snat" -> nat(key, v);
      case "masquerade" -> "masquerade" + natPort(v);
      case "redirect" -> "redirect" + (v.isObject() && v.has("port") ? " to :" + value(v.get("port"), false) : "");
      case "notrack" -> "notrack";
      case "vmap" -> expr(v.path("key")) + " vmap " + value(v.path("data"), quotes(v.path("key")));
      case "mangle" -> expr(v.path("key")) + " set " + value(v.path("value"), false, isMark(v.path("key")));
      case "log" -> "log" + (v.isObject() && v.has("prefix") ? " prefix " + quote(v.get("prefix").asString("")) : "");
      case "limit" -> "limit rate " + (v.path("inv").asBoolean(false) ? "over " : "") + v.path("rate").asString("")
          + "/" + v.path("per").asString("");
      case "quota" -> "quota " + (v.path("inv").asBoolean(false) ? "over " : "") + v.path("val").asString("") + " "
          + v.path("val_unit").asString("");
      case "set" -> v.path("op").asString("") + " " + v.path("set").asString("") + " { " + expr(v.path("elem")) + " }";
      case "xt" -> "xt " + v.path("type").asString("") + " " + v.path("name").asString("");
      default -> e.toString();
    };
  }

  private static String match(JsonNode m) {
    JsonNode left = m.path("left");
    String op = m.path("op").asString("==");
    String right = value(m.path("right"), quotes(left), isMark(left));
    // nft leaves out an implicit ==, but prints it after a binary operation (meta mark & 0xff == 0x1).
    boolean binary = left.has("&") || left.has("|") || left.has("^");
    String shown = (op.equals("==") && !binary) || op.equals("in") ? "" : op + " ";
    return expr(left) + " " + shown + right;
  }

  private static String reject(JsonNode v) {
    if (!v.isObject()) {
      return "reject";
    }
    String type = v.path("type").asString("");
    String with = v.path("expr").asString("");
    if (type.equals("tcp reset")) {
      return "reject with tcp reset";
    }
    return "reject" + (type.isEmpty() ? "" : " with " + type + (with.isEmpty() ? "" : " " + with));
  }

  private static String nat(String key, JsonNode v) {
    String family = v.path("family").asString("");
    StringBuilder out = new StringBuilder(key).append(family.isEmpty() ? "" : " " + family).append(" to ");
    JsonNode addr = v.path("addr");
    if (addr.isObject() && addr.has("map")) {
      out.append(expr(addr.get("map").path("key"))).append(" map ").append(value(addr.get("map").path("data"), false));
      return out.toString();
    }
    if (!addr.isMissingNode() && !addr.isNull()) {
      String a = value(addr, false);
      // nft writes an IPv6 address with a port in brackets: dnat to [fd00::2]:80.
      out.append(a.contains(":") && v.has("port") ? "[" + a + "]" : a);
    }
    if (v.has("port")) {
      out.append(":").append(value(v.get("port"), false));
    }
    return out.toString();
  }

  private static String natPort(JsonNode v) {
    return v.isObject() && v.has("port") ? " to :" + value(v.get("port"), false) : "";
  }

  /** A left-hand side: payload, meta, ct, fib, a binary operation or a concatenation. */
  static String expr(JsonNode e) {
    if (!e.isObject()) {
      return value(e, false);
    }
    if (e.has("payload")) {
      JsonNode p = e.get("payload");
      return p.path("protocol").asString("") + " " + p.path("field").asString("");
    }
    if (e.has("meta")) {
      String key = e.get("meta").path("key").asString("");
      return UNQUALIFIED_META.contains(key) ? key : "meta " + key;
    }
    if (e.has("ct")) {
      JsonNode ct = e.get("ct");
      String dir = ct.path("dir").asString("");
      return "ct " + (dir.isEmpty() ? "" : dir + " ") + ct.path("key").asString("");
    }
    if (e.has("fib")) {
      List<String> flags = new ArrayList<>();
      e.get("fib").path("flags").forEach(f -> flags.add(f.asString("")));
      return "fib " + String.join(" . ", flags) + " " + e.get("fib").path("result").asString("");
    }
    if (e.has("concat")) {
      List<String> parts = new ArrayList<>();
      e.get("concat").forEach(p -> parts.add(expr(p)));
      return String.join(" . ", parts);
    }
    for (String op : List.of("&", "|", "^")) {
      if (e.has(op) && e.get(op).isArray() && e.get(op).size() == 2) {
        boolean mark = isMark(e.get(op).get(0));
        JsonNode flags = e.get(op).get(1);
        if (flags.isArray()) {
          List<String> names = new ArrayList<>();
          flags.forEach(f -> names.add(value(f, false)));
          return expr(e.get(op).get(0)) + " " + op + " (" + String.join(" | ", names) + ")";
        }
        return expr(e.get(op).get(0)) + " " + op + " " + value(e.get(op).get(1), false, mark);
      }
    }
    return value(e, false);
  }

  static String value(JsonNode v, boolean quoted) {
    return value(v, quoted, false);
  }

  /** A right-hand side: a scalar, a prefix, a range, a set, a named set, a verdict. */
  static String value(JsonNode v, boolean quoted, boolean hex) {
    if (v.isString()) {
      String s = v.stringValue();
      return quoted && !s.startsWith("@") ? quote(s) : s;
    }
    if (v.isIntegralNumber()) {
      return hex ? String.format("0x%08x", v.longValue()) : v.asString();
    }
    if (v.isArray()) {
      // A flag list (ct state established,related) or a set's element pair [key, value].
      List<String> parts = new ArrayList<>();
      v.forEach(x -> parts.add(value(x, quoted, hex)));
      return String.join(",", parts);
    }
    if (!v.isObject()) {
      return v.toString();
    }
    if (v.has("prefix")) {
      return v.get("prefix").path("addr").asString("") + "/" + v.get("prefix").path("len").asString("");
    }
    if (v.has("range") && v.get("range").size() == 2) {
      return value(v.get("range").get(0), quoted, hex) + "-" + value(v.get("range").get(1), quoted, hex);
    }
    if (v.has("set")) {
      List<String> parts = new ArrayList<>();
      JsonNode elements = v.get("set");
      if (elements.isArray()) {
        for (JsonNode x : elements) {
          parts.add(x.isArray() && x.size() == 2 ? value(x.get(0), quoted, hex) + " : " + mapValue(x.get(1))
              : value(x, quoted, hex));
        }
      } else {
        parts.add(value(elements, quoted, hex));
      }
      return "{ " + String.join(", ", parts) + " }";
    }
    if (v.has("concat")) {
      List<String> parts = new ArrayList<>();
      v.get("concat").forEach(x -> parts.add(value(x, quoted, hex)));
      return String.join(" . ", parts);
    }
    if (v.has("&") || v.has("|") || v.has("^")) {
      return expr(v);
    }
    if (v.has("elem")) {
      return value(v.get("elem").path("val"), quoted, hex);
    }
    if (v.size() == 1) {
      return statement(v);
    }
    return v.toString();
  }

  /** A map element's value: a verdict ({@code jump x}) or data ({@code 198.51.100.2 . 80}). */
  static String mapValue(JsonNode v) {
    if (v.isObject() && v.size() == 1) {
      String key = v.properties().iterator().next().getKey();
      if (Set.of("accept", "drop", "return", "continue", "jump", "goto").contains(key)) {
        return statement(v);
      }
    }
    return value(v, false);
  }

  static boolean quotes(JsonNode left) {
    JsonNode meta = left.path("meta");
    String key = meta.path("key").asString("");
    return key.equals("iifname") || key.equals("oifname");
  }

  private static boolean isMark(JsonNode left) {
    return MARK_KEYS.contains(left.path("meta").path("key").asString(""))
        || MARK_KEYS.contains(left.path("ct").path("key").asString(""))
        || (left.has("&") && left.get("&").isArray() && left.get("&").size() > 0 && isMark(left.get("&").get(0)));
  }

  static String quote(String s) {
    return "\"" + s.replace("\"", "\\\"") + "\"";
  }
}
