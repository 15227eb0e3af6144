package dev.breakwater.reach.oracle;

import static dev.breakwater.reach.oracle.OracleTopology.BRIDGE;
import static dev.breakwater.reach.oracle.OracleTopology.OUTSIDE;
import static dev.breakwater.reach.oracle.OracleTopology.SECOND_OUTSIDE;

import dev.breakwater.reach.oracle.LabRuleset.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The host's forwarding and route_localnet for one seed, drawn at random, and the loopback
 * targets that exercise them. {@link KernelLab#hostSysctls} first writes the lab's baseline
 * ({@link #BASELINE}: forwarding on, route_localnet off everywhere), then these, in order: an
 * {@code ip_forward} write copies itself to every device, so a device's own value comes after it.
 */
final class LabSysctls {
  private LabSysctls() {}

  static final List<String> DEVICES = List.of(OUTSIDE, SECOND_OUTSIDE, BRIDGE, OracleTopology.USER_NETWORK.bridge());

  static final List<String> BASELINE;

  static {
    List<String> b = new ArrayList<>(List.of("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
        "net.ipv4.conf.all.route_localnet=0"));
    for (String dev : DEVICES) {
      b.add("net.ipv4.conf." + dev + ".route_localnet=0");
      b.add("net.ipv6.conf." + dev + ".force_forwarding=0");
    }
    BASELINE = List.copyOf(b);
  }

  static List<String> draw(Random r) {
    List<String> out = new ArrayList<>();
    switch (r.nextInt(8)) {
      case 0 -> {
        // Forwarding off; one device may be turned back on by its own value.
        out.add("net.ipv4.ip_forward=0");
        if (r.nextBoolean()) {
          out.add("net.ipv4.conf." + pick(r, DEVICES) + ".forwarding=1");
        }
      }
      case 1 -> out.add("net.ipv4.conf." + pick(r, DEVICES) + ".forwarding=0");
      case 2 -> {
        // conf.all is the same value as ip_forward, and a device's own value still decides after it.
        out.add("net.ipv4.conf.all.forwarding=1");
        out.add("net.ipv4.conf." + pick(r, List.of(OUTSIDE, SECOND_OUTSIDE)) + ".forwarding=0");
      }
      default -> { }
    }
    switch (r.nextInt(8)) {
      case 0 -> out.add("net.ipv6.conf.all.forwarding=0");
      case 1 -> {
        // A device's own IPv6 forwarding does not decide; force_forwarding (6.17+) does.
        out.add("net.ipv6.conf.all.forwarding=0");
        out.add("net.ipv6.conf." + pick(r, DEVICES) + (r.nextBoolean() ? ".forwarding=1" : ".force_forwarding=1"));
      }
      case 2 -> out.add("net.ipv6.conf." + pick(r, List.of(OUTSIDE, SECOND_OUTSIDE)) + ".forwarding=0");
      default -> { }
    }
    switch (r.nextInt(6)) {
      case 0 -> out.add("net.ipv4.conf.all.route_localnet=1");
      case 1 -> out.add("net.ipv4.conf." + OUTSIDE + ".route_localnet=1");
      case 2 -> out.add("net.ipv4.conf." + SECOND_OUTSIDE + ".route_localnet=1");
      case 3 -> {
        out.add("net.ipv4.conf." + OUTSIDE + ".route_localnet=1");
        out.add("net.ipv4.conf." + SECOND_OUTSIDE + ".route_localnet=1");
      }
      default -> { }
    }
    return out;
  }

  /**
   * 127.0.0.1 (arriving on eth0) and 127.0.0.2 (on eth1) with the ports of the published
   * mappings, of INPUT's rules and 22: a closed host port answers with a RST from the loopback
   * address, which needs route_localnet on the way in and on the way back.
   */
  static List<Target> loopbackTargets(Random r, List<LabRulesetGenerator.Mapping> mappings, List<String> inputPorts) {
    List<Target> out = new ArrayList<>();
    List<String> loopback = List.of(OracleTopology.LOOPBACK_BY_ETH0, OracleTopology.LOOPBACK_BY_ETH1);
    for (LabRulesetGenerator.Mapping m : mappings) {
      // Published on 127.0.0.1: Docker's DNAT matches it before routing sees a loopback address.
      out.add(new Target(m.bind().equals("127.0.0.1") ? OracleTopology.LOOPBACK_BY_ETH0 : pick(r, loopback), m.hostPort(),
          m.protocol()));
    }
    for (String p : inputPorts) {
      out.add(new Target(pick(r, loopback), Integer.parseInt(p)));
    }
    out.add(new Target(OracleTopology.LOOPBACK_BY_ETH0, 22));
    out.add(new Target(OracleTopology.LOOPBACK_BY_ETH1, 22));
    out.add(new Target(pick(r, loopback), 53, "udp"));
    return out;
  }

  /** A host port no mapping draws: only {@link #loopbackDnat} answers it. */
  static final int LOOPBACK_DNAT_PORT = 6380;

  /** {@code -A PREROUTING -d 127.0.0.1/32 ... --dport 6380 -j DNAT} to {@code container}'s port 80. */
  static String loopbackDnat(OracleTopology.ContainerNs container) {
    return "-A PREROUTING -d " + OracleTopology.LOOPBACK_BY_ETH0 + "/32 -p tcp -m tcp --dport " + LOOPBACK_DNAT_PORT
        + " -j DNAT --to-destination " + container.address() + ":80";
  }

  private static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }
}
