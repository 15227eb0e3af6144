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

/**
 * A chain with its rules indexed by what a packet must carry for them to match: protocol,
 * destination port and a single destination address. {@link #candidates} returns, in chain order,
 * only the rules that can match a packet with those fields; the others cannot, so skipping them
 * changes nothing but the time a walk takes (Docker writes one DNAT and one ACCEPT rule per
 * published port).
 */
final class ChainIndex {
  /** Port ranges wider than this are checked per lookup instead of being expanded into the map. */
  private static final int EXPAND_LIMIT = 64;

  private final Chain chain;
  private final List<Rule> rules;
  private final IPAddress[] exactDestination;
  private final int[] anyProtocol;
  private final Map<Integer, int[]> protocolOnly = new HashMap<>();
  private final Map<Long, int[]> byProtocolAndPort = new HashMap<>();
  private final Map<Integer, int[]> wideRanges = new HashMap<>();
  private final Map<Long, int[]> portCache = new HashMap<>();
  private final Map<Key, int[]> cache = new HashMap<>();

  private record Key(long protocolAndPort, IPAddress destination) {}

  ChainIndex(Chain chain) {
    this.chain = chain;
    this.rules = chain.rules();
    this.exactDestination = new IPAddress[rules.size()];
    List<Integer> any = new ArrayList<>();
    Map<Integer, List<Integer>> protoOnly = new HashMap<>();
    Map<Long, List<Integer>> exact = new HashMap<>();
    Map<Integer, List<Integer>> wide = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      int protocol = -1;
      List<PortRange> ports = null;
      for (Match m : r.matches()) {
        switch (m) {
          case Match.Protocol p when !p.negated() && p.number() != 0 -> protocol = p.number();
          case Match.Ports p when !p.negated() && p.field() == Match.PortField.DESTINATION -> ports = p.ranges();
          case Match.Address a when !a.negated() && a.side() == Match.Side.DESTINATION
              && HostNetwork.prefixLength(a.prefix()) == a.prefix().getBitCount() ->
              exactDestination[i] = a.prefix().withoutPrefixLength();
          default -> {}
        }
      }
      if (protocol < 0) {
        any.add(i);
      } else if (ports == null || ports.stream().mapToInt(PortRange::size).sum() > EXPAND_LIMIT) {
        (ports == null ? protoOnly : wide).computeIfAbsent(protocol, k -> new ArrayList<>()).add(i);
      } else {
        for (PortRange range : ports) {
          for (int port = range.first(); port <= range.last(); port++) {
            List<Integer> list = exact.computeIfAbsent(key(protocol, port), k -> new ArrayList<>());
            if (list.isEmpty() || list.get(list.size() - 1) != i) {
              list.add(i);
            }
          }
        }
      }
    }
    this.anyProtocol = toArray(any);
    protoOnly.forEach((k, v) -> protocolOnly.put(k, toArray(v)));
    exact.forEach((k, v) -> byProtocolAndPort.put(k, toArray(v)));
    wide.forEach((k, v) -> wideRanges.put(k, toArray(v)));
  }

  Chain chain() {
    return chain;
  }

  Rule rule(int index) {
    return rules.get(index);
  }

  /** Indices, in chain order, of the rules that can match a packet with these fields. */
  int[] candidates(int protocol, int destinationPort, IPAddress destination) {
    return cache.computeIfAbsent(new Key(key(protocol, destinationPort), destination), k -> {
      int[] base = forPort(protocol, destinationPort);
      int[] out = new int[base.length];
      int n = 0;
      for (int i : base) {
        if (exactDestination[i] == null || exactDestination[i].equals(destination)) {
          out[n++] = i;
        }
      }
      return n == out.length ? out : Arrays.copyOf(out, n);
    });
  }

  private int[] forPort(int protocol, int destinationPort) {
    return portCache.computeIfAbsent(key(protocol, destinationPort), k -> {
      int[] wide = wideRanges.getOrDefault(protocol, new int[0]);
      int[] wideHit = Arrays.stream(wide).filter(i -> portsContain(rules.get(i), destinationPort)).toArray();
      int[] all = concat(anyProtocol, protocolOnly.getOrDefault(protocol, new int[0]),
          byProtocolAndPort.getOrDefault(k, new int[0]), wideHit);
      Arrays.sort(all);
      return all;
    });
  }

  private static boolean portsContain(Rule r, int port) {
    return r.matches().stream().anyMatch(m -> m instanceof Match.Ports p && !p.negated()
        && p.field() == Match.PortField.DESTINATION && p.ranges().stream().anyMatch(x -> x.contains(port)));
  }

  private static long key(int protocol, int port) {
    return ((long) protocol << 16) | port;
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
