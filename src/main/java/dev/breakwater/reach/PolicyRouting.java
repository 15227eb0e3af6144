package dev.breakwater.reach;

import dev.breakwater.host.Route;
import dev.breakwater.host.RoutingRule;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel's policy routing ({@code ip rule}): the rules of one family walked in priority order
 * as fib_rules_lookup (net/core/fib_rules.c) walks them, each matched as fib_rule_match and
 * fib4_rule_match / fib6_rule_match do, its action taken as fib4_rule_action / fib6_rule_action
 * take it. A lookup that finds nothing (or a {@code throw} route) goes on to the next rule; a
 * result the rule suppresses ({@code suppress_prefixlength}) too.
 *
 * <p>What the snapshot cannot tell (the sender's TOS, {@code l3mdev}, {@code tun_id}, a table the
 * snapshot has no routes of, a mark a rule changed in a way not modelled) is asked of the walk as
 * a choice ({@link Query#choose}): the engine explores every branch and says "possibly" only
 * where they differ, naming the rule.
 */
final class PolicyRouting {
  /** The routes of one table's lookup: {@code unicast}, {@code local}, {@code blackhole}, ... */
  record Found(String type, String device, int prefixLength, String why) {
    /** fib_props[type].error: these end the walk with an error, and no rule suppresses them. */
    boolean isError() {
      return type.equals("blackhole") || type.equals("unreachable") || type.equals("prohibit");
    }
  }

  /** The end of the walk: a route, or none ({@code -ESRCH}), or a rule that drops. */
  sealed interface Outcome {}

  record Routed(Found route, RoutingRule rule) implements Outcome {}

  record NoRoute() implements Outcome {}

  record RuleDrops(RoutingRule rule) implements Outcome {}

  /**
   * The flow the kernel looks up (struct flowi4 / flowi6).
   *
   * @param iif the input device ({@code lo} for what the host sends)
   * @param sourcePortIsSenders whether {@code sourcePort} is the sender's choice (the first
   *     packet's), so a test of it cuts the sender's port space; else {@code destinationPort} is
   * @param mark empty when a rule changed the mark in a way not modelled
   * @param uid the uid the lookup carries: 0 (sock_net_uid(net, NULL)) on a received packet, empty
   *     for an answer from a socket whose owner is not known
   */
  record Flow(IPAddress source, IPAddress destination, String iif, int protocol, int sourcePort, int destinationPort,
      boolean sourcePortIsSenders, OptionalLong mark, OptionalLong uid) {}

  /** What the walk is asked: its choices, and the source ports a rule tested. */
  interface Query {
    /** One of {@code options} ways; {@code why} names what the snapshot cannot tell. */
    int choose(int options, String why);

    void sourcePortTested(PortRange range);
  }

  /** A table's lookup, which {@link HostNetwork} answers for local and main. */
  interface Tables {
    /** Empty when the table has no route for the address; {@code throw} routes are returned as found. */
    Optional<Found> lookup(String table, IPAddress destination);

    /** Whether the snapshot holds the routes of {@code table} (main and local always count). */
    boolean has(String table, IpFamily family);

    List<String> devices();
  }

  private final Map<IpFamily, List<RoutingRule>> rules = new EnumMap<>(IpFamily.class);
  private final Map<IpFamily, Boolean> custom = new EnumMap<>(IpFamily.class);
  private final Map<IpFamily, Boolean> dissects = new EnumMap<>(IpFamily.class);

  PolicyRouting(List<RoutingRule> all) {
    for (IpFamily family : IpFamily.values()) {
      List<RoutingRule> mine = new ArrayList<>(all.stream().filter(r -> r.family() == family).toList());
      boolean given = !mine.isEmpty();
      if (!given) {
        mine.addAll(RoutingRule.defaults(family));
      }
      // ip rule show prints in the kernel's order already; a stable sort keeps equal priorities' order.
      mine.sort(Comparator.comparingInt(RoutingRule::priority));
      rules.put(family, List.copyOf(mine));
      custom.put(family, given && !(mine.size() == RoutingRule.defaults(family).size()
          && mine.stream().allMatch(RoutingRule::isDefault)));
      // fib4_rules_early_flow_dissect / fib6_rules_early_flow_dissect: the protocol and ports are
      // read from the packet only when some rule tests them (fib_rules_require_fldissect).
      dissects.put(family, mine.stream().anyMatch(r -> r.ipProtocol().isPresent() || r.sourcePorts().isPresent()
          || r.destinationPorts().isPresent()));
    }
  }

  /** Whether the family has rules other than the kernel's defaults: only then is this walk needed. */
  boolean custom(IpFamily family) {
    return custom.get(family);
  }

  List<RoutingRule> rules(IpFamily family) {
    return rules.get(family);
  }

  /** The source prefixes the rules split by, and the destination prefixes (the source of a route back). */
  List<Span> boundaries(IpFamily family) {
    List<Span> out = new ArrayList<>();
    for (RoutingRule r : rules.get(family)) {
      r.from().ifPresent(p -> out.add(Span.of(p)));
      r.to().ifPresent(p -> out.add(Span.of(p)));
    }
    return out;
  }

  /** fib_rules_lookup over the family's rules. */
  Outcome decide(Flow flow, Query query, Tables tables) {
    IpFamily family = IpFamily.of(flow.destination());
    List<RoutingRule> list = rules.get(family);
    for (int i = 0; i < list.size(); i++) {
      RoutingRule rule = list.get(i);
      if (!matches(rule, flow, query, family)) {
        continue;
      }
      switch (rule.action()) {
        case GOTO -> {
          // rule->ctarget: the first rule of exactly that priority; none ("unresolved") acts as nop.
          // The kernel refuses a goto to a priority not above its own, so this ends.
          int target = -1;
          for (int j = i + 1; j < list.size(); j++) {
            if (list.get(j).priority() == rule.gotoPriority()) {
              target = j;
              break;
            }
          }
          if (target >= 0) {
            i = target - 1;
          }
          continue;
        }
        case NOP -> {
          continue;
        }
        case BLACKHOLE, UNREACHABLE, PROHIBIT -> {
          return new RuleDrops(rule);
        }
        case LOOKUP -> { }
      }
      Optional<Found> found = lookup(rule, flow, query, tables, family);
      if (found.isEmpty() || found.get().type().equals("throw")) {
        continue; // -EAGAIN: the next rule
      }
      Found f = found.get();
      if (!f.isError()) {
        // fib4_rule_suppress / fib6_rule_suppress, only on a successful lookup.
        if (f.prefixLength() <= rule.suppressPrefixLength()) {
          continue;
        }
        if (rule.suppressInterfaceGroup().isPresent() && !f.device().isEmpty() && query.choose(2, where(rule)
            + ": whether " + f.device() + " is in interface group " + rule.suppressInterfaceGroup().get()
            + " (suppress_ifgroup) is not in the snapshot") == 1) {
          continue;
        }
      }
      return new Routed(f, rule);
    }
    return new NoRoute();
  }

  private Optional<Found> lookup(RoutingRule rule, Flow flow, Query query, Tables tables, IpFamily family) {
    String table = rule.table();
    if (rule.l3mdev() || !tables.has(table, family)) {
      String what = rule.l3mdev() ? "the table of the packet's VRF (l3mdev), which the snapshot does not name"
          : "table " + table + ", whose routes the snapshot does not have (ip-route.json is not from 'ip -4 -j route show"
              + " table all')";
      List<String> devices = tables.devices();
      int choice = query.choose(3 + devices.size(), where(rule) + " looks up " + what);
      return switch (choice) {
        case 0 -> Optional.empty();
        case 1 -> Optional.of(new Found("blackhole", "", 0, "table " + table + " (not in the snapshot) drops it"));
        case 2 -> Optional.of(new Found("local", "lo", family == IpFamily.V4 ? 32 : 128, "table " + table + " (not in the snapshot) delivers it"));
        default -> Optional.of(new Found("unicast", devices.get(choice - 3), 0,
            "table " + table + " (not in the snapshot) routes it out of " + devices.get(choice - 3)));
      };
    }
    return tables.lookup(table, flow.destination());
  }

  /** fib_rule_match, then fib4_rule_match / fib6_rule_match; {@code not} inverts the whole. */
  private boolean matches(RoutingRule rule, Flow flow, Query query, IpFamily family) {
    boolean m = selectorsMatch(rule, flow, query, family);
    return rule.invert() != m;
  }

  private boolean selectorsMatch(RoutingRule rule, Flow flow, Query query, IpFamily family) {
    if (rule.iif().isPresent() && !rule.iif().get().equals(flow.iif())) {
      return false;
    }
    // flowi_oif is 0 on a received packet's lookup and on fib_validate_source's first one.
    if (rule.oif().isPresent()) {
      return false;
    }
    if (rule.fwmask() != 0) {
      if (flow.mark().isPresent()) {
        if (((rule.fwmark() ^ flow.mark().getAsLong()) & rule.fwmask()) != 0) {
          return false;
        }
      } else if (query.choose(2, where(rule) + ": the packet's mark is not known here (a rule changed it in a way not"
          + " modelled)") == 0) {
        return false;
      }
    }
    if (rule.tunnelId().isPresent() && query.choose(2, where(rule) + ": the packet's tunnel id (tun_id) is not in the"
        + " snapshot") == 0) {
      return false;
    }
    if (rule.l3mdev() && query.choose(2, where(rule) + ": whether the devices belong to a VRF (l3mdev) is not in the"
        + " snapshot") == 0) {
      return false;
    }
    if (rule.uidRange().isPresent()) {
      RoutingRule.UidRange u = rule.uidRange().get();
      if (flow.uid().isPresent()) {
        long uid = flow.uid().getAsLong();
        if (uid < u.start() || uid > u.end()) {
          return false;
        }
      } else if (query.choose(2, where(rule) + ": the uid of the socket that answers is not in the snapshot") == 0) {
        return false;
      }
    }
    if (rule.from().isPresent() && !HostNetwork.block(rule.from().get()).contains(flow.source())) {
      return false;
    }
    if (rule.to().isPresent() && !HostNetwork.block(rule.to().get()).contains(flow.destination())) {
      return false;
    }
    if (rule.tos() != 0 && query.choose(2, where(rule) + ": the sender picks its packet's TOS (DSCP), which the engine"
        + " does not model") == 0) {
      return false;
    }
    boolean dissect = dissects.get(family);
    if (rule.ipProtocol().isPresent() && rule.ipProtocol().getAsInt() != (dissect ? flow.protocol() : 0)) {
      return false;
    }
    if (rule.sourcePorts().isPresent() && !portIn(rule.sourcePorts().get(), dissect ? flow.sourcePort() : 0,
        flow.sourcePortIsSenders(), query)) {
      return false;
    }
    if (rule.destinationPorts().isPresent() && !portIn(rule.destinationPorts().get(), dissect ? flow.destinationPort() : 0,
        !flow.sourcePortIsSenders(), query)) {
      return false;
    }
    if (!rule.unknownSelectors().isEmpty() && query.choose(2, where(rule) + ": its selector "
        + String.join(", ", rule.unknownSelectors()) + " is not modelled") == 0) {
      return false;
    }
    return true;
  }

  private static boolean portIn(PortRange range, int port, boolean sendersChoice, Query query) {
    if (sendersChoice) {
      query.sourcePortTested(range);
    }
    return range.contains(port);
  }

  /** {@code ip-rule.json: 5270: from all lookup 52}. */
  static String where(RoutingRule rule) {
    return rule.source() + ": rule " + rule.describe();
  }

  /** The routes of the tables other than main (local's included), longest prefix first, by family and table. */
  static Map<IpFamily, Map<String, List<Route>>> otherTables(List<Route> routes) {
    Map<IpFamily, Map<String, List<Route>>> out = new EnumMap<>(IpFamily.class);
    for (Route r : routes) {
      if (!r.inMain()) {
        out.computeIfAbsent(r.family(), f -> new HashMap<>()).computeIfAbsent(r.table(), t -> new ArrayList<>()).add(r);
      }
    }
    for (Map<String, List<Route>> byTable : out.values()) {
      byTable.values().forEach(l -> l.sort(Comparator.comparingInt((Route r) -> HostNetwork.prefixLength(r.destination()))
          .reversed()));
    }
    return out;
  }
}
