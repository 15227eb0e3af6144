package dev.breakwater.reach;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Counters;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.Table;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.Target;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Test fixture: reads the subset of iptables-save text the reach tests use into the model, until
 * the real parser (branch {@code parser}) is merged. Deliberately small and strict.
 */
final class RulesetFixture {
  private RulesetFixture() {}

  static IPAddress ip(String text) {
    return new IPAddressString(text).getAddress();
  }

  static Ruleset parse(String text, IpFamily family) {
    Map<TableName, Map<String, Chain>> tables = new EnumMap<>(TableName.class);
    Map<String, Chain.Policy> policies = new LinkedHashMap<>();
    Map<String, List<Rule>> rules = new LinkedHashMap<>();
    Map<String, Integer> declLines = new LinkedHashMap<>();
    TableName table = null;
    String[] lines = text.split("\n");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      int lineNo = n + 1;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("*")) {
        table = TableName.tryParse(line.substring(1)).orElseThrow();
        policies.clear();
        rules.clear();
        declLines.clear();
      } else if (line.startsWith(":")) {
        String[] parts = line.substring(1).split(" ");
        policies.put(parts[0], parts[1].equals("-") ? null : Chain.Policy.valueOf(parts[1]));
        rules.put(parts[0], new ArrayList<>());
        declLines.put(parts[0], lineNo);
      } else if (line.equals("COMMIT")) {
        Map<String, Chain> chains = new LinkedHashMap<>();
        for (String name : rules.keySet()) {
          chains.put(name, new Chain(table, name, Optional.ofNullable(policies.get(name)), Counters.NONE,
              declLines.get(name), rules.get(name)));
        }
        tables.put(table, chains);
      } else if (line.startsWith("-A ")) {
        List<String> tokens = tokenize(line);
        String chain = tokens.get(1);
        List<Rule> list = rules.get(chain);
        list.add(rule(table, chain, list.size() + 1, lineNo, line, tokens.subList(2, tokens.size()), rules.keySet()));
      } else {
        throw new IllegalArgumentException("fixture line " + lineNo + ": " + line);
      }
    }
    Map<TableName, Table> out = new EnumMap<>(TableName.class);
    tables.forEach((name, chains) -> out.put(name, new Table(name, chains)));
    return new Ruleset(family, "fixture", out, List.of());
  }

  private static List<String> tokenize(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean has = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        has = true;
      } else if (c == ' ' && !quoted) {
        if (has) {
          out.add(cur.toString());
        }
        cur.setLength(0);
        has = false;
      } else {
        cur.append(c);
        has = true;
      }
    }
    if (has) {
      out.add(cur.toString());
    }
    return out;
  }

  private static Rule rule(
      TableName table, String chain, int position, int line, String text, List<String> t, Set<String> chains) {
    List<Match> matches = new ArrayList<>();
    Target target = new Target.Continue("", "");
    boolean neg = false;
    String module = "";
    for (int i = 0; i < t.size(); i++) {
      String o = t.get(i);
      switch (o) {
        case "!" -> {
          neg = true;
          continue;
        }
        case "-s" -> matches.add(new Match.Address(Match.Side.SOURCE, ip(t.get(++i)), neg));
        case "-d" -> matches.add(new Match.Address(Match.Side.DESTINATION, ip(t.get(++i)), neg));
        case "-i" -> matches.add(new Match.Interface(true, t.get(++i), neg));
        case "-o" -> matches.add(new Match.Interface(false, t.get(++i), neg));
        case "-p" -> {
          String p = t.get(++i);
          int num = switch (p) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "icmp" -> 1;
            case "sctp" -> 132;
            default -> Integer.parseInt(p);
          };
          matches.add(new Match.Protocol(num, p, neg));
        }
        case "-m" -> {
          module = t.get(++i);
          // Modules the engine models get their options below; the rest are unknown as a whole.
          if (!Set.of("tcp", "udp", "conntrack", "state", "addrtype", "comment", "multiport", "set").contains(module)) {
            StringBuilder opts = new StringBuilder("-m " + module);
            while (i + 1 < t.size() && !t.get(i + 1).equals("-j") && !t.get(i + 1).equals("-g") && !t.get(i + 1).equals("-m")) {
              opts.append(' ').append(t.get(++i));
            }
            matches.add(new Match.Unknown(module, opts.toString()));
          }
        }
        case "--dport", "--dports" -> matches.add(new Match.Ports(Match.PortField.DESTINATION, ports(t.get(++i)), neg));
        case "--sport", "--sports" -> matches.add(new Match.Ports(Match.PortField.SOURCE, ports(t.get(++i)), neg));
        case "--ctstate", "--state" -> matches.add(new Match.ConnectionState(states(t.get(++i)), neg));
        case "--ctorigdstport" -> matches.add(new Match.OriginalPort(Match.Side.DESTINATION, PortRange.parse(t.get(++i)), neg));
        case "--ctorigsrc" -> matches.add(new Match.OriginalAddress(Match.Side.SOURCE, ip(t.get(++i)), neg));
        case "--ctorigdst" -> matches.add(new Match.OriginalAddress(Match.Side.DESTINATION, ip(t.get(++i)), neg));
        case "--ctdir" -> matches.add(new Match.ConntrackDirection(t.get(++i).equals("ORIGINAL")));
        case "--src-type", "--dst-type" -> {
          Match.Side side = o.equals("--src-type") ? Match.Side.SOURCE : Match.Side.DESTINATION;
          Set<Match.AddressType> types = new HashSet<>();
          for (String x : t.get(++i).split(",")) {
            types.add(Match.AddressType.valueOf(x));
          }
          Match.LimitIface limit = Match.LimitIface.NONE;
          if (i + 1 < t.size() && t.get(i + 1).startsWith("--limit-iface")) {
            limit = t.get(++i).endsWith("in") ? Match.LimitIface.IN : Match.LimitIface.OUT;
          }
          matches.add(new Match.AddressTypeMatch(side, types, neg, limit));
        }
        case "--comment" -> matches.add(new Match.Comment(t.get(++i)));
        case "--syn" -> matches.add(new Match.TcpFlags(Set.of("SYN", "RST", "ACK", "FIN"), Set.of("SYN"), neg));
        case "--tcp-flags" -> matches.add(new Match.TcpFlags(Set.of(t.get(++i).split(",")), Set.of(t.get(++i).split(",")), neg));
        case "--match-set" -> {
          String name = t.get(++i);
          List<Match.Side> flags = Arrays.stream(t.get(++i).split(","))
              .map(f -> f.equals("src") ? Match.Side.SOURCE : Match.Side.DESTINATION).toList();
          matches.add(new Match.IpSet(name, flags, neg, Optional.ofNullable(IPSETS.get(name))));
        }
        case "-j", "-g" -> {
          String name = t.get(++i);
          List<String> rest = t.subList(i + 1, t.size());
          target = target(o.equals("-g"), name, rest, chains);
          i = t.size();
        }
        default -> throw new IllegalArgumentException("fixture does not know option " + o + " in: " + text);
      }
      neg = false;
    }
    return new Rule(table, chain, position, line, text, Counters.NONE, matches, target);
  }

  /** ipset contents the fixture resolves; a set not listed here stays unresolved. */
  static final Map<String, List<IPAddress>> IPSETS = new LinkedHashMap<>();

  private static List<PortRange> ports(String text) {
    return Arrays.stream(text.split(",")).map(PortRange::parse).toList();
  }

  private static Set<Match.CtState> states(String text) {
    Set<Match.CtState> out = new HashSet<>();
    for (String s : text.split(",")) {
      out.add(Match.CtState.valueOf(s.toUpperCase(Locale.ROOT)));
    }
    return out;
  }

  private static Target target(boolean isGoto, String name, List<String> rest, Set<String> chains) {
    if (isGoto) {
      return new Target.Goto(name);
    }
    String text = String.join(" ", rest);
    return switch (name) {
      case "ACCEPT" -> new Target.Accept();
      case "DROP" -> new Target.Drop();
      case "REJECT" -> new Target.Reject(rest.size() > 1 ? rest.get(1) : "");
      case "RETURN" -> new Target.Return();
      case "DNAT" -> {
        String to = rest.get(rest.indexOf("--to-destination") + 1);
        int colon = to.lastIndexOf(':');
        boolean hasPort = colon > 0 && (to.indexOf(':') == colon || to.contains("]"));
        String addr = hasPort ? to.substring(0, colon) : to;
        addr = addr.replace("[", "").replace("]", "");
        Optional<IPAddress> a = addr.isEmpty() ? Optional.empty() : Optional.of(ip(addr));
        yield new Target.Dnat(a, a, hasPort ? Optional.of(PortRange.parse(to.substring(colon + 1))) : Optional.empty(), text);
      }
      case "REDIRECT" -> new Target.Redirect(rest.contains("--to-ports")
          ? Optional.of(PortRange.parse(rest.get(rest.indexOf("--to-ports") + 1))) : Optional.empty());
      case "MASQUERADE", "SNAT" -> new Target.SourceNat(name, text);
      case "LOG", "MARK", "CONNMARK", "NFLOG", "CT", "NOTRACK" -> new Target.Continue(name, text);
      default -> chains.contains(name) ? new Target.Jump(name) : new Target.Unknown(name, text);
    };
  }
}
