package dev.breakwater.reach.oracle;

import static dev.breakwater.reach.oracle.OracleTopology.BRIDGE;
import static dev.breakwater.reach.oracle.OracleTopology.CONTAINERS;
import static dev.breakwater.reach.oracle.OracleTopology.CONTAINER_PORTS;
import static dev.breakwater.reach.oracle.OracleTopology.HOST_ADDRESSES;

import dev.breakwater.reach.oracle.LabRuleset.Target;
import dev.breakwater.reach.oracle.LabRulesetGenerator.Mapping;
import dev.breakwater.reach.oracle.OracleTopology.ContainerNs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The less common parts of real rulesets, layered over Docker's and UFW's shapes for half of the
 * seeds: conntrack's original-direction matches and NAT states, port ranges and multiport,
 * addrtype in filter, TCP flags, LOG, NOTRACK in raw, drops in mangle, REDIRECT and DNAT to the
 * host itself, NETMAP. Everything here is something the engine claims to model.
 */
final class TrickyRules {
  private final Random r;
  /** For rules added after the first set: drawing them from {@code r} would change every seed's earlier tricks. */
  private final Random later;
  private final List<Mapping> mappings;

  TrickyRules(Random r, Random later, List<Mapping> mappings) {
    this.r = r;
    this.later = later;
    this.mappings = mappings;
  }

  /** raw/PREROUTING: NOTRACK of a published port (no conntrack, so no DNAT), drops by source. */
  List<String> raw() {
    List<String> out = new ArrayList<>();
    if (!mappings.isEmpty() && r.nextInt(3) == 0) {
      out.add("-A PREROUTING -p tcp -m tcp --dport " + pick(mappings).hostPort()
          + (r.nextBoolean() ? " -j NOTRACK" : " -j CT --notrack"));
    }
    if (r.nextInt(4) == 0) {
      out.add("-A PREROUTING " + (r.nextBoolean() ? "-i eth1 " : "") + "-s " + pick(List.of("198.51.100.67/32", "198.18.5.0/24"))
          + " -j DROP");
    }
    return out;
  }

  /** The mangle table, written in full (empty chains included) so a reload flushes it. */
  String mangle() {
    StringBuilder s = new StringBuilder("*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
        + ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
    int n = r.nextInt(3);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(6)) {
        case 0 -> s.append("-A PREROUTING ").append(r.nextBoolean() ? "-i eth0 " : "").append("-s ")
            .append(pick(List.of("198.51.100.66/32", "198.51.100.200/32", "198.19.7.0/24"))).append(" -p tcp -m tcp --dport ")
            .append(pick(List.of(22, 80, 3306, 8080))).append(" -j DROP\n");
        case 1 -> {
          ContainerNs c = pick(CONTAINERS);
          s.append("-A FORWARD -d ").append(c.address()).append("/32 -p tcp -m tcp --dport ").append(pick(CONTAINER_PORTS))
              .append(" -j DROP\n");
        }
        case 2 -> s.append("-A INPUT -p tcp -m tcp --dport ").append(pick(List.of(22, 25, 80))).append(" -j DROP\n");
        case 3 -> s.append("-A POSTROUTING -o ").append(BRIDGE).append(" -p tcp -m tcp --dport ").append(pick(CONTAINER_PORTS))
            .append(" -j DROP\n");
        case 4 -> s.append("-A POSTROUTING -o ").append(pick(List.of(BRIDGE, "docker+"))).append(" -s ")
            .append(pick(List.of("198.18.5.0/24", "198.51.100.66/32"))).append(" -j DROP\n");
        default -> s.append("-A PREROUTING -j MARK --set-xmark 0x1/0xffffffff\n");
      }
    }
    return s.append("COMMIT\n").toString();
  }

  /** nat/PREROUTING rules of the user's own; their probe targets go into {@code targets}. */
  List<String> natPrerouting(Set<Target> targets) {
    List<String> out = new ArrayList<>();
    if (r.nextInt(3) == 0) {
      // REDIRECT: to the host itself, where INPUT decides on the new port.
      out.add("-A PREROUTING " + (r.nextBoolean() ? "-i eth0 " : "") + "-p tcp -m tcp --dport 8081 -j REDIRECT --to-ports "
          + pick(List.of(22, 25, 80)));
      HOST_ADDRESSES.forEach(a -> targets.add(new Target(a, 8081)));
    }
    if (r.nextInt(3) == 0) {
      out.add("-A PREROUTING -d " + OracleTopology.HOST_SECOND_ADDRESS + "/32 -p tcp -m tcp --dport 8082 -j DNAT --to-destination "
          + OracleTopology.HOST_ADDRESS + ":" + pick(List.of(22, 80)));
      HOST_ADDRESSES.forEach(a -> targets.add(new Target(a, 8082)));
    }
    if (r.nextInt(4) == 0) {
      // A loopback destination from outside is a martian (route_localnet is 0): dropped.
      out.add("-A PREROUTING -p tcp -m tcp --dport 8083 -j DNAT --to-destination 127.0.0.1:22");
      HOST_ADDRESSES.forEach(a -> targets.add(new Target(a, 8083)));
    }
    if (r.nextInt(4) == 0) {
      // Direct routing to one container rewritten to another.
      ContainerNs from = pick(CONTAINERS);
      ContainerNs to = pick(CONTAINERS);
      int port = pick(CONTAINER_PORTS);
      out.add("-A PREROUTING -d " + from.address() + "/32 -p tcp -m tcp --dport " + port + " -j DNAT --to-destination "
          + to.address() + ":" + pick(CONTAINER_PORTS));
      targets.add(new Target(from.address(), port));
    }
    if (r.nextInt(4) == 0) {
      ContainerNs c = pick(CONTAINERS);
      out.add("-A PREROUTING ! -d " + OracleTopology.HOST_ADDRESS + "/32 -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 8084 "
          + "-j DNAT --to-destination " + c.address() + ":80");
      HOST_ADDRESSES.forEach(a -> targets.add(new Target(a, 8084)));
    }
    if (r.nextInt(4) == 0) {
      ContainerNs c = pick(CONTAINERS);
      out.add("-A PREROUTING -i eth1 -p tcp -m tcp --dport 8085 -j DNAT --to-destination " + c.address() + ":443");
      HOST_ADDRESSES.forEach(a -> targets.add(new Target(a, 8085)));
    }
    if (r.nextInt(5) == 0) {
      // DNAT to where the host's routing refuses to go.
      out.add("-A PREROUTING -p tcp -m tcp --dport 8086 -j DNAT --to-destination "
          + pick(OracleTopology.UNROUTABLE) + ":80");
      HOST_ADDRESSES.forEach(a -> targets.add(new Target(a, 8086)));
    }
    if (r.nextInt(3) == 0) {
      // DNAT without a port keeps the destination port.
      ContainerNs c = pick(CONTAINERS);
      int port = pick(CONTAINER_PORTS);
      out.add("-A PREROUTING " + (r.nextBoolean() ? "-i eth+ " : "! -i " + BRIDGE + " ") + "-p tcp -m tcp --dport " + port
          + " -j DNAT --to-destination " + c.address());
      HOST_ADDRESSES.forEach(a -> targets.add(new Target(a, port)));
    }
    if (later.nextInt(3) == 0) {
      // NETMAP keeps the host bits: .1 becomes the bridge's own address (INPUT decides), .2 the first container.
      out.add("-A PREROUTING " + (later.nextBoolean() ? "-i eth0 " : "") + "-d 198.51.100.0/30 -p tcp -m tcp --dport "
          + pick(later, List.of(80, 9000)) + " -j NETMAP --to 198.18.0.0/30");
      for (String a : List.of(OracleTopology.HOST_ADDRESS, OracleTopology.HOST_SECOND_ADDRESS)) {
        targets.add(new Target(a, 80));
        targets.add(new Target(a, 9000));
      }
    }
    return out;
  }

  /** One match (or a few) for a DOCKER-USER rule, ending in a space. */
  String dockerUserMatch() {
    int port = mappings.isEmpty() ? pick(CONTAINER_PORTS) : r.nextBoolean() ? pick(mappings).hostPort() : pick(mappings).containerPort();
    String hostAddress = pick(List.of(OracleTopology.HOST_ADDRESS, OracleTopology.HOST_SECOND_ADDRESS, OracleTopology.HOST_ETH1_ADDRESS,
        OracleTopology.BRIDGE_ADDRESS));
    String not = r.nextInt(3) == 0 ? "! " : "";
    return switch (r.nextInt(16)) {
      case 0 -> pick(List.of("-o ", "! -o ")) + pick(List.of(BRIDGE, "eth0", "eth+", "docker+", "eth0+")) + " ";
      case 15 -> "-p tcp -m conntrack " + not + "--ctorigsrcport " + pick(List.of("20000:40000", "1:1023")) + " ";
      case 1 -> "-m conntrack " + not + "--ctorigdst " + hostAddress + "/32 ";
      case 2 -> "-m conntrack " + not + "--ctstate " + pick(List.of("DNAT", "NEW", "NEW,DNAT", "RELATED,ESTABLISHED")) + " ";
      case 3 -> "-m conntrack " + not + "--ctorigsrc " + pick(List.of("198.51.100.66/32", "198.51.100.0/25", "198.18.5.0/24")) + " ";
      case 4 -> "-p " + pick(List.of("tcp -m tcp ", "udp -m udp ")) + not + "--dport "
          + pick(List.of("3000:4000", "1:1024", "8000:9000", String.valueOf(port))) + " ";
      case 5 -> "-p tcp -m multiport " + not + "--dports " + port + "," + pick(CONTAINER_PORTS) + " ";
      case 6 -> "-p tcp -m tcp " + pick(List.of("--syn ", "--tcp-flags SYN,RST,ACK,FIN SYN ", "! --syn ",
          "--tcp-flags FIN,SYN,RST,PSH,ACK,URG SYN ", "! --tcp-flags ALL SYN "));
      case 7 -> "-m state --state " + pick(List.of("NEW", "RELATED,ESTABLISHED")) + " ";
      case 8 -> "-m comment --comment \"office only\" ";
      case 9 -> "! -p udp ";
      case 10 -> "-m addrtype " + not + "--" + pick(List.of("dst", "src")) + "-type " + pick(List.of("LOCAL", "UNICAST")) + " ";
      // The sender picks its source port: OracleCases probes 1023, 4443 and 5353 now and then too.
      case 11 -> r.nextInt(3) == 0
          ? "-p tcp -m multiport " + not + "--sports " + pick(List.of("4443,5353", "1023,20000:30000", "5353")) + " "
          : "-p tcp -m tcp " + not + "--sport " + pick(List.of("1024:65535", "1:1023", "20000:40000", "4443", "5353")) + " ";
      case 12 -> "-p tcp -m conntrack --ctorigdstport " + pick(List.of("3000:4000", "80:443", String.valueOf(port))) + " --ctdir ORIGINAL ";
      case 13 -> "-m conntrack --ctdir " + pick(List.of("REPLY", "ORIGINAL")) + " ";
      default -> "-p tcp -m conntrack " + not + "--ctorigdstport " + port + " ";
    };
  }

  /** The security table (SELinux's, after filter), written in full; now and then a drop in it. */
  String security() {
    StringBuilder s = new StringBuilder("*security\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
    if (r.nextInt(4) == 0) {
      s.append("-A FORWARD -o ").append(BRIDGE).append(" -p tcp -m tcp --dport ").append(pick(CONTAINER_PORTS)).append(" -j DROP\n");
    }
    if (r.nextInt(6) == 0) {
      s.append("-A INPUT -p tcp -m tcp --dport ").append(pick(List.of(22, 80, 8081))).append(" -j DROP\n");
    }
    return s.append("COMMIT\n").toString();
  }

  /** Rules a user put before Docker's jump to DOCKER-USER (iptables -I FORWARD). */
  List<String> forwardFirst() {
    List<String> out = new ArrayList<>();
    if (r.nextInt(4) == 0) {
      out.add("-A FORWARD " + pick(List.of("-i eth1 -o " + BRIDGE, "-s 198.51.100.200/32", "-i eth0 -p tcp -m tcp --dport 443"))
          + " -j " + pick(List.of("DROP", "ACCEPT")));
    }
    return out;
  }

  /** A LOG rule that continues: it must change nothing. */
  String log(String chain) {
    return "-A " + chain + " -j LOG --log-prefix \"" + chain.toLowerCase(java.util.Locale.ROOT) + " \"";
  }

  /** INPUT rules on the less common matches. */
  List<String> input(String chain) {
    List<String> out = new ArrayList<>();
    int n = r.nextInt(3);
    for (int i = 0; i < n; i++) {
      String rule = switch (r.nextInt(10)) {
        case 6 -> pick(List.of("-i docker+", "! -i eth+", "-i eth0+")) + " -p tcp -m tcp --dport " + pick(List.of(22, 80, 3306)) + " -j DROP";
        case 7 -> "-p tcp -m conntrack --ctorigdstport 8081:8085 -j " + pick(List.of("ACCEPT", "DROP"));
        case 8 -> "-p udp -m udp --dport " + pick(List.of(53, 3306)) + " -j " + pick(List.of("ACCEPT", "DROP"));
        case 9 -> "! -p tcp -j " + pick(List.of("ACCEPT", "DROP"));
        case 0 -> "-d " + OracleTopology.HOST_SECOND_ADDRESS + "/32 -p tcp -m tcp --dport " + pick(List.of(22, 80, 3306)) + " -j DROP";
        case 1 -> "-m addrtype --dst-type LOCAL -p tcp -m multiport --dports 22,80,443 -j ACCEPT";
        case 2 -> "-i eth1 -p tcp -j DROP";
        case 3 -> "-m conntrack --ctstate " + pick(List.of("UNTRACKED", "DNAT")) + " -j " + pick(List.of("ACCEPT", "DROP"));
        case 4 -> "-p tcp -m tcp --dport 1:1024 -s 198.51.100.200/32 -j DROP";
        default -> "-p tcp -m conntrack --ctorigdstport 8081 -j " + pick(List.of("ACCEPT", "DROP"));
      };
      out.add("-A " + chain + " " + rule);
    }
    return out;
  }

  private <T> T pick(List<T> from) {
    return pick(r, from);
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
