package dev.breakwater.reach.oracle;

import dev.breakwater.reach.oracle.LabRuleset.Target;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Chooses the connection attempts for one ruleset: a source from {@link OracleTopology#SOURCES}
 * and one of the ruleset's targets, each pair once, in IPv4 or in its IPv6 twin ({@link Ipv6Twin}). Source ports come from a counter shared by the
 * run, so no two attempts share a conntrack entry or a half-open socket.
 */
final class OracleCases {
  private static final int FIRST_PORT = 20_000;
  private static final int LAST_PORT = 60_999;

  /**
   * Source ports rules pick out ({@code --sport 4443 -j RETURN}): a client may bind them. Not the
   * attacker's listening ports ({@link OracleTopology#OUTBOUND_PORTS}), which a client cannot bind.
   */
  static final List<Integer> CHOSEN_PORTS = List.of(1023, 4443, 5353);

  /** Whether the attacker's probe can bind {@code port}: not 0 (any port to bind()), not a listener's. */
  static boolean bindable(int port) {
    return port != 0 && !OracleTopology.OUTBOUND_PORTS.contains(port);
  }

  private int nextPort = FIRST_PORT;
  /** Every source and port of the run outside the counter's range: none is used twice. */
  private final Set<String> chosenTuples = new java.util.HashSet<>();

  List<ProbeCase> choose(LabRuleset ruleset, int count) {
    Random r = new Random(ruleset.seed() * 31 + 7);
    List<Target> targets = ruleset.targets();
    Set<String> seen = new LinkedHashSet<>();
    List<ProbeCase> out = new ArrayList<>();
    int limit = Math.min(count, targets.size() * OracleTopology.SOURCES.size() * 2);
    while (out.size() < limit) {
      Target t = targets.get(r.nextInt(targets.size()));
      String source = OracleTopology.SOURCES.get(r.nextInt(OracleTopology.SOURCES.size()));
      // A third of the attempts go to the IPv6 twin of the same source and target.
      // 127.0.0.0/8 has no twin an attacker can route (::1 from outside is always dropped).
      boolean v6 = r.nextInt(3) == 0 && !t.destination().startsWith("127.");
      if (seen.add(source + " " + t + " " + v6)) {
        String ingress = OracleTopology.ingressFor(t.destination());
        String src = v6 ? Ipv6Twin.address(source) : source;
        String dst = v6 ? Ipv6Twin.address(t.destination()) : t.destination();
        // A quarter of the attempts bind a port rules may pick out, once per source and port in
        // the run: the lab tells half-open sockets and heard datagrams apart by source and port.
        int chosen = CHOSEN_PORTS.get(r.nextInt(CHOSEN_PORTS.size()));
        boolean useChosen = r.nextInt(4) == 0 && unusedInBatch(out, src, chosen) && claim(src, chosen);
        out.add(new ProbeCase(src, useChosen ? chosen : port(), dst, t.port(), ingress, t.protocol()));
      }
    }
    // An eighth more from the containers outwards: to the attacker's listeners and to the host.
    int outbound = count / 8;
    for (int i = 0; i < outbound; i++) {
      var c = OracleTopology.CONTAINERS.get(r.nextInt(OracleTopology.CONTAINERS.size()));
      boolean toHost = r.nextInt(10) < 3;
      String destination = toHost ? pick(r, OracleTopology.HOST_ADDRESSES) : pick(r, OracleTopology.SOURCES);
      int port = toHost ? pick(r, List.of(22, 80, 3306, 8080, 5432)) : pick(r, OracleTopology.OUTBOUND_PORTS);
      String protocol = r.nextInt(4) == 0 ? "udp" : "tcp";
      boolean v6 = r.nextInt(3) == 0;
      out.add(v6
          ? new ProbeCase(Ipv6Twin.address(c.address()), port(), Ipv6Twin.address(destination), port, c.bridge(),
              protocol, c.namespace())
          : new ProbeCase(c.address(), port(), destination, port, c.bridge(), protocol, c.namespace()));
    }
    return out;
  }

  /** Whether no attempt of {@code batch} comes from {@code source} port {@code port}. */
  static boolean unusedInBatch(List<ProbeCase> batch, String source, int port) {
    return batch.stream().noneMatch(c -> c.source().equals(source) && c.sourcePort() == port);
  }

  /** Claims {@code source} port {@code port} for the run: false when an earlier attempt used it. */
  boolean claim(String source, int port) {
    return (port < FIRST_PORT || port > LAST_PORT) && chosenTuples.add(source + " " + port);
  }

  private static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  private int port() {
    int p = nextPort;
    // A port comes round again after 41,000 attempts: minutes later, when the host's conntrack
    // entry for it has long expired.
    nextPort = nextPort == LAST_PORT ? FIRST_PORT : nextPort + 1;
    return p;
  }
}
