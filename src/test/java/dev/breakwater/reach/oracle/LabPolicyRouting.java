package dev.breakwater.reach.oracle;

import static dev.breakwater.reach.oracle.OracleTopology.OUTSIDE;
import static dev.breakwater.reach.oracle.OracleTopology.SECOND_OUTSIDE;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Policy routing for the host namespace, drawn for one seed from a stream of its own (so every
 * other part of a seed stays as it was): a few {@code ip rule}s before main, and the extra tables
 * they look up. {@link KernelLab#policyRouting} puts them in place; the snapshot then has
 * {@code ip-rule.json} and every table.
 *
 * <p>Most rules take what the attacker sends ({@code iif eth0/eth1}, its sources, the
 * destinations it probes); {@link #ANSWERS} take the answers of containers ({@code iif docker0},
 * their sources) and of the host's sockets ({@code iif lo}, its addresses), whose routing decision
 * the engine makes through the rules as well. Every selector is one the engine evaluates exactly:
 * the oracle counts "possibly" as a mismatch.
 */
final class LabPolicyRouting {
  private LabPolicyRouting() {}

  static final List<String> TABLES = List.of("100", "101", "102", "103");

  /** Each table's routes ({@code ip route add ...}); table 103 stays empty: a lookup there finds nothing. */
  static final List<String> TABLE_ROUTES = List.of(
      // 100: the containers where main has them, everything else by eth1.
      "route add 198.18.0.0/24 dev docker0 table 100",
      "route add 198.18.1.0/24 dev " + OracleTopology.USER_NETWORK.bridge() + " table 100",
      "route add default via 198.19.7.66 dev " + SECOND_OUTSIDE + " table 100",
      // 101: the default network blackholed, the user network thrown back to the next rule, the far prefix by eth1.
      "route add blackhole 198.18.0.0/24 table 101",
      "route add throw 198.18.1.0/24 table 101",
      "route add 198.18.5.0/24 via 198.19.7.66 dev " + SECOND_OUTSIDE + " table 101",
      // 102: one container's address refused, the far prefix by eth0 as main has it.
      "route add prohibit 198.18.0.3/32 table 102",
      "route add 198.18.5.0/24 via 198.51.100.66 dev " + OUTSIDE + " table 102",
      "route add unreachable 198.18.1.2/32 table 102");

  private static final List<String> SELECTORS = List.of(
      "iif " + OUTSIDE, "iif " + SECOND_OUTSIDE, "from 198.18.5.0/24 iif " + OUTSIDE, "from 198.51.100.66",
      "from 198.51.100.64/26 iif " + OUTSIDE, "from 198.19.7.66",
      "to 198.18.0.2 iif " + OUTSIDE, "to 198.18.1.0/24 iif " + OUTSIDE, "to 198.18.0.0/24 from 198.18.5.0/24",
      "ipproto udp iif " + OUTSIDE, "ipproto tcp dport 3306 iif " + OUTSIDE, "sport 4000-5000 iif " + OUTSIDE,
      "fwmark 0x1 iif " + OUTSIDE, "uidrange 0-0 iif " + OUTSIDE,
      "uidrange 1000-2000 iif " + OUTSIDE);

  /**
   * Selectors of the answers: a container's (arriving on docker0 from its address), the host
   * sockets' (the output route: flowi4_iif is loopback), and the clients' side ("to"), which the
   * first packets never match. fib_validate_source's route back of the first packet matches the
   * same "from"/"to" (its flow swaps them), so these test that too.
   */
  private static final List<String> ANSWERS = List.of("iif " + OracleTopology.BRIDGE, "from " + OracleTopology.BRIDGE_SUBNET,
      "iif lo", "from " + OracleTopology.HOST_ADDRESS, "to 198.51.100.64/26", "iif " + OracleTopology.BRIDGE + " ipproto udp",
      "from 198.18.0.2 ipproto tcp dport 4000-5000");

  /**
   * {@code not}: everything but what the selectors take, the answers of containers and of the host
   * included, so only with a table that routes those as main does.
   */
  private static final List<String> INVERTED = List.of("not fwmark 0x1", "not iif " + SECOND_OUTSIDE + " from 198.51.100.0/24",
      "not from 198.51.100.66");

  private static final List<String> ACTIONS = List.of("lookup 100", "lookup 101", "lookup 102", "lookup 103",
      "lookup main suppress_prefixlength 0", "lookup 100 suppress_prefixlength 0", "blackhole", "prohibit",
      "unreachable", "nop", "goto 900");

  /** One seed in three gets rules: {@code ip} arguments, the tables' routes, then the rules. */
  static List<String> draw(long seed) {
    Random r = new Random(seed ^ 0x3C6EF372FE94F82BL);
    if (r.nextInt(3) != 0) {
      return List.of();
    }
    // The tables' routes first: the kernel checks a gateway through the rules in force
    // (fib_check_nh_v4_gw), and a rule such as "to 198.51.100.64/26 blackhole" fails it.
    List<String> out = new ArrayList<>(TABLE_ROUTES);
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      // Priorities below 900 so that a goto has a target; 900 itself, when drawn, sends on to main.
      int kind = r.nextInt(10);
      String rule = kind < 2 ? INVERTED.get(r.nextInt(INVERTED.size())) + " lookup 100"
          : kind < 4 ? ANSWERS.get(r.nextInt(ANSWERS.size())) + " " + ACTIONS.get(r.nextInt(ACTIONS.size()))
          : SELECTORS.get(r.nextInt(SELECTORS.size())) + " " + ACTIONS.get(r.nextInt(ACTIONS.size()));
      out.add("rule add pref " + (100 + i * 100) + " " + rule);
    }
    if (r.nextBoolean()) {
      out.add("rule add pref 900 " + SELECTORS.get(r.nextInt(SELECTORS.size())) + " lookup 100");
    }
    return out;
  }
}
