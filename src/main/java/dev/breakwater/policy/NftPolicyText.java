package dev.breakwater.policy;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The nft twin of the BREAKWATER chain: one table, {@code inet breakwater}, whose base chain runs
 * on the forward hook at {@code filter - 1}, before Docker's and iptables-nft's filter chains
 * (priority 0). Pure: the same compiled policy always gives the same text.
 *
 * <p>Why this shape (docs/policy.md, research nftables.md 1.4 and 6):
 * <ul>
 *   <li>{@code ct state established,related accept} first, or replies to the containers' own
 *       outbound connections are dropped (lab: Docker's own allowlist example breaks egress).
 *   <li>A port is matched with {@code meta l4proto P ct original proto-dst N}: in FORWARD the
 *       packet already carries the container's port; the original tuple has the published one.
 *   <li>An allowed source is {@code accept}ed, which in nft ends only this base chain: Docker's
 *       chains still decide, as the iptables chain's RETURN hands back to them.
 *   <li>Every port that is not open to any gets a named interval set of its sources, so that
 *       {@code watch} can add and delete elements without rewriting a rule.
 *   <li>{@link #replaceScript()} is one {@code nft -f} transaction: the whole table or nothing
 *       (lab: a bad ip6 part applied nothing, nftables.md 6).
 * </ul>
 *
 * <p>Every name here is made from a protocol, a port, a family and an address's hex digits, never
 * from text a user wrote, and is checked against nft's keywords ({@code fwd} is one: a chain so
 * named is a syntax error).
 */
public final class NftPolicyText {
  public static final String TABLE = "breakwater";
  public static final String FAMILY = "inet";
  public static final String CHAIN = "bw_forward";
  /** As {@code nft list} prints it. */
  public static final String CHAIN_HEADER = "type filter hook forward priority filter - 1; policy accept;";

  private final List<AllowSet> sets;
  private final List<NftPolicyRule> ruleModels;

  private NftPolicyText(List<AllowSet> sets, List<NftPolicyRule> ruleModels) {
    this.sets = List.copyOf(sets);
    this.ruleModels = List.copyOf(ruleModels);
  }

  /** The allow sets, in the order of the ports. */
  public List<AllowSet> sets() {
    return sets;
  }

  /** The chain's rules as {@code nft list} prints them. */
  public List<String> rules() {
    return ruleModels.stream().map(NftPolicyRule::text).toList();
  }

  List<NftPolicyRule> ruleModels() {
    return ruleModels;
  }

  public Optional<AllowSet> set(String name) {
    return sets.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** A port's allowed sources of one family, as a named set {@code watch} can change element by element. */
  public record AllowSet(String name, IpFamily family, List<IPAddress> prefixes) {
    public AllowSet {
      prefixes = List.copyOf(prefixes);
      checkName(name);
    }

    String type() {
      return family == IpFamily.V4 ? "ipv4_addr" : "ipv6_addr";
    }
  }

  public static NftPolicyText of(CompiledPolicy compiled) {
    boolean catchAll = compiled.defaultVerdict() == Policy.Default.DENY;
    List<AllowSet> sets = new ArrayList<>();
    List<NftPolicyRule> rules = new ArrayList<>();
    rules.add(new NftPolicyRule(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        OptionalInt.empty(), Optional.empty(), Optional.of(NftPolicyRule.State.ESTABLISHED_RELATED), NftPolicyRule.Verdict.ACCEPT));
    for (ProtectedPort port : compiled.ports()) {
      Optional<IpFamily> family = Optional.of(port.family());
      Optional<Transport> protocol = Optional.of(port.protocol());
      OptionalInt number = OptionalInt.of(port.hostPort());
      if (port.allowed().any()) {
        if (catchAll) {
          rules.add(new NftPolicyRule(Optional.empty(), Optional.empty(), family, protocol, port.boundAddress(), number,
              Optional.empty(), Optional.empty(), NftPolicyRule.Verdict.ACCEPT));
        }
        continue;
      }
      AllowSet set = new AllowSet(setName(port), port.family(), port.allowed().of(port.family()));
      sets.add(set);
      rules.add(new NftPolicyRule(Optional.empty(), Optional.empty(), family, protocol, port.boundAddress(), number,
          Optional.of(set), Optional.empty(), NftPolicyRule.Verdict.ACCEPT));
      NftPolicyRule.Verdict deny = compiled.denyAction() == Policy.DenyAction.DROP ? NftPolicyRule.Verdict.DROP
          : port.protocol() == Transport.TCP ? NftPolicyRule.Verdict.REJECT_TCP_RESET : NftPolicyRule.Verdict.REJECT;
      for (String iface : compiled.externalInterfaces()) {
        rules.add(new NftPolicyRule(Optional.of(iface), Optional.empty(), family, protocol, port.boundAddress(), number,
            Optional.empty(), Optional.of(NftPolicyRule.State.NEW), deny));
      }
    }
    if (catchAll) {
      // As the iptables chain's catch-all: a port published after this apply is closed from
      // outside until its allow is applied; 'ct status dnat' leaves other forwarded traffic alone.
      NftPolicyRule.Verdict deny = compiled.denyAction() == Policy.DenyAction.DROP ? NftPolicyRule.Verdict.DROP : NftPolicyRule.Verdict.REJECT;
      for (String iface : compiled.externalInterfaces()) {
        for (String bridge : List.of("docker0", "br-+")) {
          rules.add(new NftPolicyRule(Optional.of(iface), Optional.of(bridge), Optional.empty(), Optional.empty(), Optional.empty(),
              OptionalInt.empty(), Optional.empty(), Optional.of(NftPolicyRule.State.DNAT), deny));
        }
      }
    }
    for (String iface : compiled.externalInterfaces()) {
      if (!InterfaceNames.isValid(iface)) {
        throw new IllegalArgumentException("not an interface name: " + iface);
      }
    }
    return new NftPolicyText(sets, rules);
  }

  /** {@code allow_tcp_3306_v4}; a port bound to one address adds its hex digits: {@code allow_tcp_3306_v4_ac6336464}. */
  public static String setName(ProtectedPort port) {
    String bound = port.boundAddress().map(a -> "_a" + HexFormat.of().formatHex(a.withoutPrefixLength().getBytes())).orElse("");
    return "allow_" + port.protocol().label() + "_" + port.hostPort() + "_" + (port.family() == IpFamily.V4 ? "v4" : "v6") + bound;
  }

  /** The table as {@code nft list table inet breakwater} prints it (nft 1.0.6, tabs). */
  public String table() {
    StringBuilder text = new StringBuilder("table " + FAMILY + " " + TABLE + " {\n");
    for (AllowSet set : sets) {
      text.append("\tset ").append(set.name()).append(" {\n\t\ttype ").append(set.type()).append("\n\t\tflags interval\n");
      if (!set.prefixes().isEmpty()) {
        text.append("\t\telements = { ")
            .append(String.join(", ", set.prefixes().stream().map(PolicyCompiler::prefixText).toList())).append(" }\n");
      }
      text.append("\t}\n\n");
    }
    text.append("\tchain ").append(CHAIN).append(" {\n\t\t").append(CHAIN_HEADER).append('\n');
    for (String rule : rules()) {
      text.append("\t\t").append(rule).append('\n');
    }
    return text.append("\t}\n}\n").toString();
  }

  /** One {@code nft -f} transaction that makes the table exactly {@link #table()}, whatever was there. */
  public String replaceScript() {
    return DELETE_SCRIPT + table();
  }

  /**
   * Declaring the table first makes the delete valid when there is none; both run in the same
   * transaction as what follows, so there is no moment without a table.
   */
  public static final String DELETE_SCRIPT = "table " + FAMILY + " " + TABLE + " {}\ndelete table " + FAMILY + " " + TABLE + "\n";

  /** Puts back a table as {@code nft list table} printed it, or removes it when there was none. */
  public static String restoreScript(Optional<String> listing) {
    return DELETE_SCRIPT + listing.orElse("");
  }

  /**
   * Words the nft parser reads as keywords where a name may stand (nftables src/scanner.l, a
   * subset wide enough for every name this class makes: ours have an underscore, which no nft
   * keyword has).
   */
  static final Set<String> KEYWORDS = Set.of(
      "table", "chain", "set", "map", "element", "rule", "add", "delete", "insert", "replace", "create", "flush", "list",
      "reset", "rename", "ip", "ip6", "inet", "arp", "bridge", "netdev", "filter", "nat", "route", "hook", "priority",
      "policy", "accept", "drop", "reject", "queue", "continue", "return", "jump", "goto", "counter", "log", "limit", "ct",
      "meta", "tcp", "udp", "sctp", "icmp", "icmpv6", "fwd", "dup", "snat", "dnat", "masquerade", "redirect", "notrack",
      "mark", "state", "status", "saddr", "daddr", "sport", "dport", "type", "flags", "elements", "timeout", "size",
      "interval", "constant", "dynamic", "define", "include", "iifname", "oifname", "forward", "input", "output",
      "prerouting", "postrouting", "ingress", "egress", "new", "established", "related", "invalid", "untracked", "original",
      "reply", "vmap", "quota", "secmark", "synproxy", "flowtable", "devices", "device", "ether", "vlan", "th", "tunnel",
      "describe", "monitor", "export", "import", "exthdr", "fib", "socket", "osf", "numgen", "hash", "symhash", "jhash",
      "rt", "ipsec", "tproxy", "comment", "handle", "index", "position", "last", "over", "until", "burst", "packets",
      "bytes", "ah", "esp", "comp", "dccp", "udplite", "gre", "igmp", "vxlan", "geneve");

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  /** A name nft reads as a name without quotes; anything else is a bug of this class. */
  static String checkName(String name) {
    if (!NAME.matcher(name).matches() || KEYWORDS.contains(name)) {
      throw new IllegalArgumentException("not a safe nft name: " + name);
    }
    return name;
  }

  static {
    checkName(TABLE);
    checkName(CHAIN);
  }
}
