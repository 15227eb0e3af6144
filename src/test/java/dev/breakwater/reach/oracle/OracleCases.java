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

  private int nextPort = FIRST_PORT;

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
      boolean v6 = r.nextInt(3) == 0;
      if (seen.add(source + " " + t + " " + v6)) {
        String ingress = OracleTopology.ingressFor(t.destination());
        out.add(v6
            ? new ProbeCase(Ipv6Twin.address(source), port(), Ipv6Twin.address(t.destination()), t.port(), ingress, t.protocol())
            : new ProbeCase(source, port(), t.destination(), t.port(), ingress, t.protocol()));
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
