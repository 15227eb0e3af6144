package dev.breakwater.reach;

import dev.breakwater.net.PortRange;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.Rule;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A chain with its rules indexed by what a packet must carry for them to match: protocol,
 * destination port ({@code --dport}), original destination port ({@code --ctorigdstport}) and a
 * single destination address. {@link #candidates} returns, in chain order, only the rules that
 * can match a packet with those fields; the others cannot, so skipping them changes nothing but
 * the time a walk takes. Docker writes one DNAT and one ACCEPT rule per published port, and large
 * DOCKER-USER allow-lists name the port each rule is about: without the index every packet would
 * walk all of them.
 *
 * <p>Nothing is indexed by source address: the symbolic analysis needs every rule that tests the
 * source on a packet's way to see where the source space splits.
 */
final class ChainIndex {
  /** Port ranges wider than this are checked per lookup instead of being expanded into the map. */
  private static final int EXPAND_LIMIT = 64;
  private static final int ANY_PROTOCOL = -1;
  private static final int[] NONE = new int[0];

  private final Chain chain;
  private final List<Rule> rules;
  private final IPAddress[] exactDestination;
  /** Rules without an indexable port constraint, by protocol ({@link #ANY_PROTOCOL} for none). */
  private final Map<Integer, int[]> unconstrained = new HashMap<>();
  private final Map<Long, int[]> byPort = new HashMap<>();
  private final Map<Long, int[]> byOriginalPort = new HashMap<>();
  /** Rules whose port constraint is too wide to expand: tested at lookup. */
  private final int[] wide;
  private final int[] protocolOf;
  /** Per rule, its resolved jump target ({@code Optional<ChainIndex>}), filled on first use. */
  private final Object[] targets;
  private final List<List<PortRange>> portsOf = new ArrayList<>();
  private final List<PortRange> originalPortOf = new ArrayList<>();
  private final Map<Long, PortCandidates> cache = new HashMap<>();
  private final boolean indexed;
  private final boolean indexesOriginalPort;

  ChainIndex(Chain chain) {
    this(chain, true);
  }

  /** @param indexed false to make every rule a candidate (the reference the index is tested against) */
  ChainIndex(Chain chain, boolean indexed) {
    this.chain = chain;
    this.indexed = indexed;
    this.rules = chain.rules();
    int n = rules.size();
    this.exactDestination = new IPAddress[n];
    this.protocolOf = new int[n];
    this.targets = new Object[n];
    Map<Integer, List<Integer>> free = new HashMap<>();
    Map<Long, List<Integer>> ports = new HashMap<>();
    Map<Long, List<Integer>> originalPorts = new HashMap<>();
    List<Integer> wideRules = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Rule r = rules.get(i);
      int protocol = ANY_PROTOCOL;
      List<PortRange> dports = null;
      PortRange origin = null;
      for (Match m : r.matches()) {
        switch (m) {
          case Match.Protocol p when !p.negated() && p.number() != 0 -> protocol = p.number();
          case Match.Ports p when !p.negated() && p.field() == Match.PortField.DESTINATION -> dports = p.ranges();
          case Match.OriginalPort o when !o.negated() && o.side() == Match.Side.DESTINATION -> origin = o.range();
          case Match.Address a when !a.negated() && a.side() == Match.Side.DESTINATION
              && HostNetwork.prefixLength(a.prefix()) == a.prefix().getBitCount() ->
              exactDestination[i] = a.prefix().withoutPrefixLength();
          default -> {}
        }
      }
      protocolOf[i] = protocol;
      portsOf.add(dports);
      originalPortOf.add(origin);
      if (dports != null && dports.stream().mapToInt(PortRange::size).sum() <= EXPAND_LIMIT) {
        for (PortRange range : dports) {
          for (int port = range.first(); port <= range.last(); port++) {
            append(ports, key(protocol, port), i);
          }
        }
      } else if (origin != null && origin.size() <= EXPAND_LIMIT) {
        for (int port = origin.first(); port <= origin.last(); port++) {
          append(originalPorts, key(protocol, port), i);
        }
      } else if (dports != null || origin != null) {
        wideRules.add(i);
      } else {
        free.computeIfAbsent(protocol, k -> new ArrayList<>()).add(i);
      }
    }
    free.forEach((k, v) -> unconstrained.put(k, toArray(v)));
    ports.forEach((k, v) -> byPort.put(k, toArray(v)));
    originalPorts.forEach((k, v) -> byOriginalPort.put(k, toArray(v)));
    this.wide = toArray(wideRules);
    this.indexesOriginalPort = !byOriginalPort.isEmpty()
        || wideRules.stream().anyMatch(i -> originalPortOf.get(i) != null);
  }

  private static void append(Map<Long, List<Integer>> map, long key, int index) {
    List<Integer> list = map.computeIfAbsent(key, k -> new ArrayList<>());
    if (list.isEmpty() || list.get(list.size() - 1) != index) {
      list.add(index);
    }
  }

  Chain chain() {
    return chain;
  }

  /** How many rules the chain holds: the position of its last one. */
  int size() {
    return rules.size();
  }

  Rule rule(int index) {
    return rules.get(index);
  }

  /** The chain rule {@code index} jumps or goes to, resolved once. */
  @SuppressWarnings("unchecked")
  Optional<ChainIndex> target(int index, String name, RulesetIndex in) {
    Object known = targets[index];
    if (known == null) {
      known = in.chain(chain, name);
      targets[index] = known;
    }
    return (Optional<ChainIndex>) known;
  }

  private int[] every;

  /** Every rule's index, in chain order: for a packet whose destination fields are not fixed (an answer's are the client's). */
  int[] every() {
    if (every == null) {
      every = java.util.stream.IntStream.range(0, rules.size()).toArray();
    }
    return every;
  }

  /**
   * Indices, in chain order, of the rules that can match a packet with these fields.
   *
   * @param port the destination port now (after any DNAT)
   * @param originalPort the destination port the connection was opened to
   */
  int[] candidates(int protocol, int port, int originalPort, IPAddress destination) {
    if (!indexed) {
      return java.util.stream.IntStream.range(0, rules.size()).toArray();
    }
    // Most chains have no --ctorigdstport rule: one entry per port serves every original port.
    int origin = indexesOriginalPort ? originalPort : -1;
    // A long rather than a record key: record equals/hashCode are slow until the JIT has run.
    long key = ((long) protocol << 40) | ((long) port << 20) | (origin + 1);
    PortCandidates found = cache.get(key);
    if (found == null) {
      found = forPorts(protocol, port, originalPort);
      cache.put(key, found);
    }
    return found.forDestination(destination);
  }


  /**
   * Rules split by their exact destination: Docker's filter/DOCKER holds one {@code -d
   * CONTAINER/32 --dport 80} rule per container, and its raw PREROUTING (and nft's raw-PREROUTING)
   * one {@code -d CONTAINER ! -i docker0 -j DROP} per container, for every port.
   */
  private final class Split {
    private final int[] all;
    private final int[] anyDestination;
    private final Map<IPAddress, int[]> byDestination = new HashMap<>();

    Split(int[] all) {
      this.all = all;
      List<Integer> any = new ArrayList<>();
      Map<IPAddress, List<Integer>> exact = new HashMap<>();
      for (int i : all) {
        if (exactDestination[i] == null) {
          any.add(i);
        } else {
          exact.computeIfAbsent(exactDestination[i], d -> new ArrayList<>()).add(i);
        }
      }
      this.anyDestination = toArray(any);
      exact.forEach((d, list) -> {
        int[] merged = concat(anyDestination, toArray(list));
        Arrays.sort(merged);
        byDestination.put(d, merged);
      });
    }

    int[] forDestination(IPAddress destination) {
      if (byDestination.isEmpty()) {
        return all;
      }
      return byDestination.getOrDefault(destination, anyDestination);
    }
  }

  /**
   * The rules with no port constraint, per protocol, split once: they are candidates for every
   * port, so splitting them again for each port would cost rules x ports.
   */
  private final Map<Integer, Split> unconstrainedSplit = new HashMap<>();

  private Split unconstrained(int protocol) {
    return unconstrainedSplit.computeIfAbsent(protocol, p -> new Split(sortedUnique(concat(
        unconstrained.getOrDefault(ANY_PROTOCOL, NONE), p == ANY_PROTOCOL ? NONE : unconstrained.getOrDefault(p, NONE)))));
  }

  /** The candidates for one set of ports: the port-free rules and the port's own, merged per destination. */
  private final class PortCandidates {
    private final Split free;
    private final Split own;
    private final Map<IPAddress, int[]> merged = new HashMap<>();

    PortCandidates(Split free, Split own) {
      this.free = free;
      this.own = own;
    }

    int[] forDestination(IPAddress destination) {
      if (own.all.length == 0) {
        return free.forDestination(destination);
      }
      if (free.all.length == 0) {
        return own.forDestination(destination);
      }
      int[] found = merged.get(destination);
      if (found == null) {
        found = mergeSorted(free.forDestination(destination), own.forDestination(destination));
        merged.put(destination, found);
      }
      return found;
    }
  }

  private PortCandidates forPorts(int protocol, int port, int originalPort) {
    int[] own = concat(
        byPort.getOrDefault(key(ANY_PROTOCOL, port), NONE),
        byPort.getOrDefault(key(protocol, port), NONE),
        byOriginalPort.getOrDefault(key(ANY_PROTOCOL, originalPort), NONE),
        byOriginalPort.getOrDefault(key(protocol, originalPort), NONE),
        wideHits(protocol, port, originalPort));
    return new PortCandidates(unconstrained(protocol), new Split(sortedUnique(own)));
  }

  private static int[] sortedUnique(int[] all) {
    Arrays.sort(all);
    int n = 0;
    for (int rule : all) {
      if (n == 0 || all[n - 1] != rule) {
        all[n++] = rule;
      }
    }
    return n == all.length ? all : Arrays.copyOf(all, n);
  }

  /** Two sorted arrays of distinct rule indices, merged; a rule in both (none are) would appear once. */
  private static int[] mergeSorted(int[] a, int[] b) {
    int[] out = new int[a.length + b.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length || j < b.length) {
      int next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
      if (n == 0 || out[n - 1] != next) {
        out[n++] = next;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private int[] wideHits(int protocol, int port, int originalPort) {
    int[] out = new int[wide.length];
    int n = 0;
    for (int i : wide) {
      boolean protocolOk = protocolOf[i] == ANY_PROTOCOL || protocolOf[i] == protocol;
      List<PortRange> dports = portsOf.get(i);
      PortRange origin = originalPortOf.get(i);
      boolean portOk = dports == null || dports.stream().anyMatch(r -> r.contains(port));
      boolean originOk = origin == null || origin.contains(originalPort);
      if (protocolOk && portOk && originOk) {
        out[n++] = i;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static long key(int protocol, int port) {
    return ((long) protocol << 16) ^ port;
  }

  private static int[] toArray(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int[] concat(int[]... arrays) {
    int n = 0;
    for (int[] a : arrays) {
      n += a.length;
    }
    int[] out = new int[n];
    int at = 0;
    for (int[] a : arrays) {
      System.arraycopy(a, 0, out, at, a.length);
      at += a.length;
    }
    return out;
  }
}
