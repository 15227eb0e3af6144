package dev.breakwater.netfilter;

import dev.breakwater.net.PortRange;
import dev.breakwater.netfilter.Match.AddressType;
import dev.breakwater.netfilter.Match.CtState;
import dev.breakwater.netfilter.Match.PortField;
import dev.breakwater.netfilter.Match.Side;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of the match modules Breakwater models exactly. Each method answers false for an
 * option it does not know, so the caller keeps that option as {@link Match.Unknown}.
 */
final class ModuleMatches {
  private static final Set<String> MODELLED =
      Set.of("tcp", "udp", "udplite", "dccp", "sctp", "icmp", "icmp6", "multiport", "conntrack", "state",
          "addrtype", "comment", "set", "mark", "connmark");

  private static final Set<String> TCP_FLAGS = Set.of("SYN", "ACK", "FIN", "RST", "URG", "PSH");
  private static final Set<String> SYN_MASK = Set.of("SYN", "RST", "ACK", "FIN");

  private final AddressParser addresses;
  private final Map<String, List<IPAddress>> ipsets;
  private final StringPool strings;
  private final Map<String, PortRange> ports = new HashMap<>();

  ModuleMatches(AddressParser addresses, Map<String, List<IPAddress>> ipsets, StringPool strings) {
    this.addresses = addresses;
    this.ipsets = ipsets;
    this.strings = strings;
  }

  static boolean isModelled(String module) {
    return MODELLED.contains(module);
  }

  /** Adds the match for one option of {@code module}; false if the module has no such option. */
  boolean option(String module, OptionEntry e, List<Match> out) {
    return switch (module) {
      case "tcp" -> tcpOption(e, out);
      case "udp", "udplite", "dccp", "sctp" -> portOption(e, out);
      case "icmp" -> icmpOption(e, "--icmp-type", out);
      case "icmp6" -> icmpOption(e, "--icmpv6-type", out);
      case "multiport" -> multiportOption(e, out);
      case "conntrack" -> conntrackOption(e, out);
      case "state" -> stateOption(e, out);
      case "comment" -> commentOption(e, out);
      case "set" -> setOption(e, out);
      case "mark" -> markOption(Match.MarkKind.PACKET, e, out);
      case "connmark" -> markOption(Match.MarkKind.CONNECTION, e, out);
      default -> false;
    };
  }

  private boolean tcpOption(OptionEntry e, List<Match> out) {
    switch (e.name()) {
      case "--tcp-flags" -> {
        e.requireArity(2, "a flag mask and the flags that must be set (--tcp-flags SYN,ACK SYN)");
        out.add(new Match.TcpFlags(flags(e.value(0)), flags(e.value(1)), e.negated()));
        return true;
      }
      case "--syn" -> {
        e.requireArity(0, "no value");
        out.add(new Match.TcpFlags(SYN_MASK, Set.of("SYN"), e.negated()));
        return true;
      }
      default -> {
        return portOption(e, out);
      }
    }
  }

  private static Set<String> flags(String list) {
    String upper = list.toUpperCase(Locale.ROOT);
    if (upper.equals("ALL")) {
      return TCP_FLAGS;
    }
    if (upper.equals("NONE")) {
      return Set.of();
    }
    Set<String> flags = new LinkedHashSet<>();
    for (String f : upper.split(",", -1)) {
      if (f.equals("ALL")) {
        flags.addAll(TCP_FLAGS);
      } else if (TCP_FLAGS.contains(f) || f.equals("ECE") || f.equals("CWR")) {
        flags.add(f);
      } else if (!f.equals("NONE")) {
        throw new RuleSyntaxError("TCP flags (SYN,ACK,FIN,RST,URG,PSH,ALL,NONE), got '" + list + "'");
      }
    }
    return flags;
  }

  private boolean portOption(OptionEntry e, List<Match> out) {
    PortField field = switch (e.name()) {
      case "--dport", "--destination-port" -> PortField.DESTINATION;
      case "--sport", "--source-port" -> PortField.SOURCE;
      default -> null;
    };
    if (field == null) {
      return false;
    }
    out.add(new Match.Ports(field, List.of(port(e.name(), e.single())), e.negated()));
    return true;
  }

  private boolean icmpOption(OptionEntry e, String name, List<Match> out) {
    if (!e.name().equals(name)) {
      return false;
    }
    out.add(new Match.IcmpType(strings.of(e.single()), e.negated()));
    return true;
  }

  private boolean multiportOption(OptionEntry e, List<Match> out) {
    PortField field = switch (e.name()) {
      case "--dports", "--destination-ports" -> PortField.DESTINATION;
      case "--sports", "--source-ports" -> PortField.SOURCE;
      case "--ports" -> PortField.EITHER;
      default -> null;
    };
    if (field == null) {
      return false;
    }
    String list = e.single();
    List<PortRange> ranges = new ArrayList<>();
    int from = 0;
    while (true) {
      int comma = list.indexOf(',', from);
      ranges.add(port(e.name(), comma < 0 ? list.substring(from) : list.substring(from, comma)));
      if (comma < 0) {
        break;
      }
      from = comma + 1;
    }
    out.add(new Match.Ports(field, ranges, e.negated()));
    return true;
  }

  private boolean conntrackOption(OptionEntry e, List<Match> out) {
    switch (e.name()) {
      case "--ctstate" -> out.add(new Match.ConnectionState(states(e.single()), e.negated()));
      case "--ctorigsrc", "--ctorigdst" -> {
        Side side = e.name().equals("--ctorigsrc") ? Side.SOURCE : Side.DESTINATION;
        IPAddress prefix = addresses.prefix(e.single());
        if (prefix == AddressParser.NON_CONTIGUOUS) {
          out.add(new Match.Unknown("conntrack", strings.of(e.text())));
        } else {
          out.add(new Match.OriginalAddress(side, prefix, e.negated()));
        }
      }
      case "--ctorigsrcport", "--ctorigdstport" -> {
        Side side = e.name().equals("--ctorigsrcport") ? Side.SOURCE : Side.DESTINATION;
        out.add(new Match.OriginalPort(side, port(e.name(), e.single()), e.negated()));
      }
      case "--ctdir" -> {
        String dir = e.single().toUpperCase(Locale.ROOT);
        if (!dir.equals("ORIGINAL") && !dir.equals("REPLY")) {
          throw new RuleSyntaxError("ORIGINAL or REPLY after --ctdir, got '" + e.single() + "'");
        }
        out.add(new Match.ConntrackDirection(dir.equals("ORIGINAL") != e.negated()));
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private static boolean stateOption(OptionEntry e, List<Match> out) {
    if (!e.name().equals("--state")) {
      return false;
    }
    out.add(new Match.ConnectionState(states(e.single()), e.negated()));
    return true;
  }

  private static Set<CtState> states(String list) {
    Set<CtState> states = EnumSet.noneOf(CtState.class);
    for (String s : list.split(",", -1)) {
      try {
        states.add(CtState.valueOf(s.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException ex) {
        throw new RuleSyntaxError(
            "connection states (NEW,ESTABLISHED,RELATED,INVALID,UNTRACKED,SNAT,DNAT), got '" + list + "'");
      }
    }
    return states;
  }

  private boolean commentOption(OptionEntry e, List<Match> out) {
    if (!e.name().equals("--comment")) {
      return false;
    }
    out.add(new Match.Comment(strings.of(e.single())));
    return true;
  }

  /** xt_mark / xt_connmark: {@code (mark & mask) == value}, the mask all ones when not given. */
  private boolean markOption(Match.MarkKind kind, OptionEntry e, List<Match> out) {
    if (!e.name().equals("--mark")) {
      return false;
    }
    long[] valueMask = markValue(e.single(), "--mark");
    out.add(new Match.Mark(kind, valueMask[1], valueMask[0] & valueMask[1], e.negated()));
    return true;
  }

  /** {@code VALUE[/MASK]} in hex or decimal, as iptables-save prints marks; the mask defaults to 0xffffffff. */
  static long[] markValue(String text, String option) {
    int slash = text.indexOf('/');
    return new long[] {markNumber(slash < 0 ? text : text.substring(0, slash), option),
        slash < 0 ? 0xffffffffL : markNumber(text.substring(slash + 1), option)};
  }

  private static long markNumber(String text, String option) {
    try {
      long n = text.startsWith("0x") || text.startsWith("0X") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
      if (n < 0 || n > 0xffffffffL) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException ex) {
      throw new RuleSyntaxError("a 32-bit mark (0x1 or 0x1/0xff) after " + option + ", got '" + text + "'");
    }
  }

  private boolean setOption(OptionEntry e, List<Match> out) {
    if (!e.name().equals("--match-set") && !e.name().equals("--set")) {
      return false;
    }
    e.requireArity(2, "a set name and src/dst flags (--match-set NAME src,dst)");
    String name = strings.of(e.value(0));
    List<Side> flags = new ArrayList<>();
    for (String f : e.value(1).split(",", -1)) {
      flags.add(switch (f) {
        case "src" -> Side.SOURCE;
        case "dst" -> Side.DESTINATION;
        default -> throw new RuleSyntaxError("src or dst flags after the set name, got '" + e.value(1) + "'");
      });
    }
    out.add(new Match.IpSet(name, flags, e.negated(), Optional.ofNullable(ipsets.get(name))));
    return true;
  }

  /**
   * addrtype as a whole: {@code --limit-iface-in/out} qualifies the module's type tests, so the
   * block is read at once. Options it does not know become {@link Match.Unknown}.
   */
  void addrtype(List<OptionEntry> block, List<Match> out) {
    Match.LimitIface limit = Match.LimitIface.NONE;
    for (OptionEntry e : block) {
      if (e.name().equals("--limit-iface-in") || e.name().equals("--limit-iface-out")) {
        e.requireArity(0, "no value");
        limit = e.name().endsWith("in") ? Match.LimitIface.IN : Match.LimitIface.OUT;
      }
    }
    for (OptionEntry e : block) {
      switch (e.name()) {
        case "--src-type", "--dst-type" -> out.add(new Match.AddressTypeMatch(
            e.name().startsWith("--src") ? Side.SOURCE : Side.DESTINATION, addressTypes(e.single()), e.negated(), limit));
        case "--limit-iface-in", "--limit-iface-out" -> {}
        default -> out.add(new Match.Unknown("addrtype", strings.of(e.text())));
      }
    }
  }

  private static Set<AddressType> addressTypes(String list) {
    Set<AddressType> types = EnumSet.noneOf(AddressType.class);
    for (String s : list.split(",", -1)) {
      try {
        types.add(AddressType.valueOf(s.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException ex) {
        throw new RuleSyntaxError("address types (LOCAL,UNICAST,BROADCAST,MULTICAST,...), got '" + list + "'");
      }
    }
    return types;
  }

  /** A port or range, shared between the rules that write it the same way. */
  private PortRange port(String option, String text) {
    PortRange known = ports.get(text);
    if (known == null) {
      known = portRange(option, text);
      ports.put(text, known);
    }
    return known;
  }

  static PortRange portRange(String option, String text) {
    try {
      return PortRange.parse(text);
    } catch (IllegalArgumentException ex) {
      throw new RuleSyntaxError("a port (0-65535) or a range 'first:last' after " + option + ", got '" + text + "'");
    }
  }
}
