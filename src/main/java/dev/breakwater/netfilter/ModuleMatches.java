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

  /**
   * {@code --match-set NAME FLAGS}. {@code [!] --update-counters} and {@code [!]
   * --update-subcounters} only choose whether the matched entry's counters are updated
   * (xt_set.c: IPSET_FLAG_SKIP_COUNTER_UPDATE, IPSET_FLAG_SKIP_SUBCOUNTER_UPDATE), never whether
   * the packet matches: they add no test. The counter tests ({@code --packets-lt} ...) and
   * {@code --return-nomatch} stay unknown.
   */
  private boolean setOption(OptionEntry e, List<Match> out) {
    if (e.name().equals("--update-counters") || e.name().equals("--update-subcounters")) {
      e.requireArity(0, "no value");
      return true;
    }
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

  /**
   * The options of each extension-header module and how many values each takes (libip6t_rt,
   * libip6t_frag, libip6t_hbh, libip6t_dst, libip6t_ah, libxt_esp).
   */
  private static final Map<String, Map<String, Integer>> HEADER_OPTIONS = Map.of(
      "rt", Map.of("--rt-type", 1, "--rt-segsleft", 1, "--rt-len", 1, "--rt-0-res", 0, "--rt-0-addrs", 1,
          "--rt-0-not-strict", 0),
      "frag", Map.of("--fragid", 1, "--fraglen", 1, "--fragres", 0, "--fragfirst", 0, "--fragmore", 0,
          "--fraglast", 0),
      "hbh", Map.of("--hbh-len", 1, "--hbh-opts", 1),
      "dst", Map.of("--dst-len", 1, "--dst-opts", 1),
      "ah", Map.of("--ahspi", 1, "--ahlen", 1, "--ahres", 0),
      "esp", Map.of("--espspi", 1));

  private static final Map<String, Match.HeaderKind> HEADER_OF = Map.of(
      "rt", Match.HeaderKind.ROUTING, "frag", Match.HeaderKind.FRAGMENT, "hbh", Match.HeaderKind.HOP_BY_HOP,
      "dst", Match.HeaderKind.DESTINATION_OPTIONS, "ah", Match.HeaderKind.AUTHENTICATION, "esp", Match.HeaderKind.ESP);

  /** Whether {@code module} is one {@link #extensionHeader} reads. */
  static boolean isExtensionHeader(String module) {
    return HEADER_OPTIONS.containsKey(module) || module.equals("ipv6header");
  }

  /**
   * An extension-header module as a whole: one {@link Match.ExtensionHeader}, its options as the
   * text that tells field tests apart. The values are the sender's to pick, so they are checked
   * for form only. An option the module does not have leaves the block {@link Match.Unknown}.
   */
  void extensionHeader(String module, List<OptionEntry> block, boolean fresh, List<Match> out) {
    if (module.equals("ipv6header")) {
      ipv6header(block, out);
      return;
    }
    Map<String, Integer> known = HEADER_OPTIONS.get(module);
    for (OptionEntry e : block) {
      Integer arity = known.get(e.name());
      if (arity == null) {
        out.add(new Match.Unknown(module, strings.of(blockText(block))));
        return;
      }
      e.requireArity(arity, arity == 0 ? "no value" : "one value");
    }
    if (!block.isEmpty() || fresh) {
      out.add(new Match.ExtensionHeader(Match.HeaderTest.FIELDS, Set.of(HEADER_OF.get(module)),
          block.isEmpty() ? "" : strings.of(blockText(block))));
    }
  }

  private static String blockText(List<OptionEntry> block) {
    return block.get(0).line().substring(block.get(0).start(), block.get(block.size() - 1).end());
  }

  /**
   * ip6t_ipv6header: {@code --header LIST} names headers, {@code --soft} asks for "these present"
   * instead of "exactly these"; {@code !} before {@code --header} inverts (soft: none of them;
   * hard: anything but exactly them), as ipv6header_mt6 compares its mask of found headers.
   */
  private void ipv6header(List<OptionEntry> block, List<Match> out) {
    Set<Match.HeaderKind> kinds = null;
    boolean negated = false;
    boolean soft = false;
    for (OptionEntry e : block) {
      switch (e.name()) {
        case "--header" -> {
          kinds = headerKinds(e.single());
          negated = e.negated();
        }
        case "--soft" -> {
          e.requireArity(0, "no value");
          soft = true;
        }
        default -> {
          out.add(new Match.Unknown("ipv6header", strings.of(blockText(block))));
          return;
        }
      }
    }
    if (kinds == null) {
      throw new RuleSyntaxError("--header LIST after -m ipv6header");
    }
    Match.HeaderTest test = soft ? (negated ? Match.HeaderTest.NONE_PRESENT : Match.HeaderTest.ALL_PRESENT)
        : (negated ? Match.HeaderTest.NOT_EXACTLY : Match.HeaderTest.EXACTLY);
    out.add(new Match.ExtensionHeader(test, kinds, strings.of(blockText(block))));
  }

  /** libip6t_ipv6header's names (its own, /etc/protocols' and the protocol numbers). */
  private static Set<Match.HeaderKind> headerKinds(String list) {
    Set<Match.HeaderKind> kinds = EnumSet.noneOf(Match.HeaderKind.class);
    for (String name : list.split(",", -1)) {
      kinds.add(switch (name.toLowerCase(Locale.ROOT)) {
        case "hop", "hop-by-hop", "hopopt", "0" -> Match.HeaderKind.HOP_BY_HOP;
        case "dst", "ipv6-opts", "60" -> Match.HeaderKind.DESTINATION_OPTIONS;
        case "route", "ipv6-route", "43" -> Match.HeaderKind.ROUTING;
        case "frag", "ipv6-frag", "44" -> Match.HeaderKind.FRAGMENT;
        case "auth", "ah", "51" -> Match.HeaderKind.AUTHENTICATION;
        case "esp", "50" -> Match.HeaderKind.ESP;
        case "none", "ipv6-nonxt", "59" -> Match.HeaderKind.NO_NEXT_HEADER;
        case "prot", "protocol", "255" -> Match.HeaderKind.UPPER_LAYER;
        default -> throw new RuleSyntaxError(
            "IPv6 header names (hop,dst,route,frag,auth,esp,none,prot) after --header, got '" + list + "'");
      });
    }
    return kinds;
  }

  /** libxt_ipv4options' names for option numbers ({@code v4opt_names}). */
  private static final Map<String, Integer> IPV4_OPTION_NUMBERS = Map.of("nop", 1, "security", 2, "lsrr", 3,
      "timestamp", 4, "record-route", 7, "ssrr", 9, "mtu-probe", 11, "mtu-reply", 12, "traceroute", 18,
      "router-alert", 20);
  /** Every option number: the old module's {@code --any-opt} (any option byte at all). */
  private static final int ALL_OPTIONS = 0xffffffff;

  /**
   * ipv4options as a whole: {@code --flags [!]N|name,... [--any]} (what iptables-save prints for
   * xtables-addons' revision 1) or the old patch-o-matic options, each of which is one more test
   * ANDed with the others. Old {@code --ssrr}/{@code --lsrr} asked for real source routing: the
   * kernel drops such a packet before any socket or FORWARD sees it ({@code ip_rcv_options},
   * net/ipv4/ip_input.c, while {@code net.ipv4.conf.all.accept_source_route} is 0, its default),
   * so for a packet that can be answered they never hold, and {@code --no-srr} always does.
   */
  void ipv4options(List<OptionEntry> block, List<Match> out) {
    String text = block.isEmpty() ? "" : strings.of(blockText(block));
    int map = 0;
    int invert = 0;
    boolean any = false;
    boolean flags = false;
    for (OptionEntry e : block) {
      switch (e.name()) {
        case "--flags" -> {
          flags = true;
          for (String item : e.single().split(",", -1)) {
            boolean inv = item.startsWith("!");
            int bit = 1 << ipv4OptionNumber(inv ? item.substring(1) : item);
            map |= bit;
            invert |= inv ? bit : 0;
          }
        }
        case "--any" -> {
          e.requireArity(0, "no value");
          any = true;
        }
        case "--rr", "--ts", "--ra" -> {
          e.requireArity(0, "no value");
          int bit = 1 << (e.name().equals("--rr") ? 7 : e.name().equals("--ts") ? 4 : 20);
          out.add(new Match.Ipv4Options(bit, e.negated() ? bit : 0, false, text));
        }
        case "--any-opt" -> {
          e.requireArity(0, "no value");
          out.add(e.negated() ? new Match.Ipv4Options(ALL_OPTIONS, ALL_OPTIONS, false, text)
              : new Match.Ipv4Options(ALL_OPTIONS, 0, true, text));
        }
        // Never true of a packet the host answers (an empty map in "any" mode); --no-srr always.
        case "--ssrr", "--lsrr" -> out.add(new Match.Ipv4Options(0, 0, true, text));
        case "--no-srr" -> out.add(new Match.Ipv4Options(0, 0, false, text));
        default -> {
          out.add(new Match.Unknown("ipv4options", text));
          return;
        }
      }
    }
    if (flags || any) {
      out.add(new Match.Ipv4Options(map, invert, any, text));
    }
  }

  private static int ipv4OptionNumber(String name) {
    Integer known = IPV4_OPTION_NUMBERS.get(name);
    if (known != null) {
      return known;
    }
    try {
      int n = Integer.decode(name);
      // libxt_ipv4options takes 1-255 and shifts a 32-bit 1 by it: on x86 the shift count is
      // taken mod 32, so 68 (timestamp's type byte) is bit 4, as the kernel's type & 0x1f is.
      // iptables-save prints only 1-31.
      if (n >= 1 && n <= 255) {
        return n & 0x1f;
      }
    } catch (NumberFormatException ex) {
      // to the message
    }
    throw new RuleSyntaxError("IPv4 option numbers 1-255 or names (record-route, timestamp, router-alert, ssrr, lsrr,"
        + " ...) after --flags, got '" + name + "'");
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
