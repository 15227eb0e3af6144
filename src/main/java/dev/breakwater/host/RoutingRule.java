package dev.breakwater.host;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One policy-routing rule ({@code ip -j rule show}), as the kernel keeps it in {@code struct
 * fib_rule} / {@code fib4_rule} / {@code fib6_rule}. Absent selectors match every packet.
 *
 * @param source where the rule was read ({@code ip-rule.json}), for the wording of an answer
 * @param priority the rule's preference: the kernel walks rules in ascending order
 * @param invert {@code not}: the selectors' result is inverted (FIB_RULE_INVERT)
 * @param from the source prefix ({@code from}); empty for {@code all}
 * @param to the destination prefix ({@code to})
 * @param tos the {@code tos} (or {@code dsfield}/{@code dscp}) value, 0 when not set
 * @param fwmark the mark and mask ({@code fwmark 0xca6c}, mask 0xffffffff when none was given);
 *     mask 0 when the rule has no fwmark
 * @param iif the input device the rule asks for; {@code lo} for packets the host sends
 * @param oif the output device, set only on packets the host sends from a bound socket
 * @param ipProtocol the IP protocol number ({@code ipproto tcp}), empty for any
 * @param uidRange the socket's uid range ({@code uidrange 100-200})
 * @param l3mdev whether the rule looks up the table of the packet's VRF ({@code l3mdev})
 * @param tunnelId {@code tun_id}
 * @param unknownSelectors selectors this model does not know (their JSON keys): the rule's match
 *     is unknown
 * @param action what the rule does when it matches
 * @param table the table a {@code lookup} uses, as {@code ip} prints it ({@code main}, {@code 52})
 * @param gotoPriority a {@code goto}'s target priority
 * @param suppressPrefixLength a lookup's result with a prefix this short or shorter is not taken
 *     ({@code suppress_prefixlength}); -1 when not set
 * @param suppressInterfaceGroup a lookup's result through a device of this group is not taken
 */
public record RoutingRule(
    IpFamily family,
    String source,
    int priority,
    boolean invert,
    Optional<IPAddress> from,
    Optional<IPAddress> to,
    int tos,
    long fwmark,
    long fwmask,
    Optional<String> iif,
    Optional<String> oif,
    OptionalInt ipProtocol,
    Optional<PortRange> sourcePorts,
    Optional<PortRange> destinationPorts,
    Optional<UidRange> uidRange,
    boolean l3mdev,
    OptionalLong tunnelId,
    List<String> unknownSelectors,
    Action action,
    String table,
    int gotoPriority,
    int suppressPrefixLength,
    Optional<String> suppressInterfaceGroup) {

  /** {@code uidrange START-END} (FRA_UID_RANGE). */
  public record UidRange(long start, long end) {}

  /** FR_ACT_* (include/uapi/linux/fib_rules.h). */
  public enum Action {
    LOOKUP,
    GOTO,
    NOP,
    BLACKHOLE,
    UNREACHABLE,
    PROHIBIT
  }

  public RoutingRule {
    unknownSelectors = List.copyOf(unknownSelectors);
  }

  /** The rules a kernel starts with (fib4_rules_init, fib6_rules_net_init): local, main, and for IPv4 default. */
  public static List<RoutingRule> defaults(IpFamily family) {
    List<RoutingRule> out = new ArrayList<>();
    out.add(lookup(family, 0, "local"));
    out.add(lookup(family, 32766, "main"));
    if (family == IpFamily.V4) {
      out.add(lookup(family, 32767, "default"));
    }
    return out;
  }

  private static RoutingRule lookup(IpFamily family, int priority, String table) {
    return new RoutingRule(family, "the kernel's default rules", priority, false, Optional.empty(), Optional.empty(), 0,
        0, 0, Optional.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), false, OptionalLong.empty(), List.of(), Action.LOOKUP, table, 0, -1, Optional.empty());
  }

  /** Whether this is one of {@link #defaults}: a plain lookup of local, main or default at its usual priority. */
  public boolean isDefault() {
    boolean plain = !invert && from.isEmpty() && to.isEmpty() && tos == 0 && fwmask == 0 && iif.isEmpty() && oif.isEmpty()
        && ipProtocol.isEmpty() && sourcePorts.isEmpty() && destinationPorts.isEmpty() && uidRange.isEmpty() && !l3mdev
        && tunnelId.isEmpty() && unknownSelectors.isEmpty() && action == Action.LOOKUP && suppressPrefixLength < 0
        && suppressInterfaceGroup.isEmpty();
    return plain && (priority == 0 && table.equals("local") || priority == 32766 && table.equals("main")
        || priority == 32767 && table.equals("default") && family == IpFamily.V4);
  }

  /** The rule as {@code ip rule} prints it: {@code 5270: from all lookup 52}. */
  public String describe() {
    StringBuilder s = new StringBuilder().append(priority).append(":");
    if (invert) {
      s.append(" not");
    }
    s.append(" from ").append(from.map(RoutingRule::prefix).orElse("all"));
    to.ifPresent(t -> s.append(" to ").append(prefix(t)));
    if (tos != 0) {
      s.append(" tos 0x").append(Integer.toHexString(tos));
    }
    if (fwmask != 0) {
      s.append(" fwmark 0x").append(Long.toHexString(fwmark));
      if (fwmask != 0xffffffffL) {
        s.append("/0x").append(Long.toHexString(fwmask));
      }
    }
    iif.ifPresent(d -> s.append(" iif ").append(d));
    oif.ifPresent(d -> s.append(" oif ").append(d));
    ipProtocol.ifPresent(p -> s.append(" ipproto ").append(p));
    sourcePorts.ifPresent(p -> s.append(" sport ").append(p));
    destinationPorts.ifPresent(p -> s.append(" dport ").append(p));
    uidRange.ifPresent(u -> s.append(" uidrange ").append(u.start()).append('-').append(u.end()));
    if (l3mdev) {
      s.append(" l3mdev");
    }
    tunnelId.ifPresent(t -> s.append(" tun_id ").append(t));
    unknownSelectors.forEach(k -> s.append(' ').append(k));
    switch (action) {
      case LOOKUP -> s.append(" lookup ").append(table);
      case GOTO -> s.append(" goto ").append(gotoPriority);
      case NOP -> s.append(" nop");
      case BLACKHOLE -> s.append(" blackhole");
      case UNREACHABLE -> s.append(" unreachable");
      case PROHIBIT -> s.append(" prohibit");
    }
    if (suppressPrefixLength >= 0) {
      s.append(" suppress_prefixlength ").append(suppressPrefixLength);
    }
    suppressInterfaceGroup.ifPresent(g -> s.append(" suppress_ifgroup ").append(g));
    return s.toString();
  }

  private static String prefix(IPAddress a) {
    Integer len = a.getNetworkPrefixLength();
    return len == null || len == a.getBitCount() ? a.withoutPrefixLength().toCanonicalString() : a.toCanonicalString();
  }
}
