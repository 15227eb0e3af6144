package dev.breakwater.reach.oracle;

import java.util.List;

/**
 * The lab the kernel oracle runs in: a "Docker host" namespace with two outside links to an
 * attacker namespace and a bridge with small "container" namespaces behind it. Every name and
 * address lives only inside the namespaces the lab makes (prefix {@code bwo-}); interface names
 * inside a namespace are private to it, so the host's can be Docker's own ({@code eth0},
 * {@code docker0}).
 */
final class OracleTopology {
  private OracleTopology() {}

  /**
   * {@code -Dbreakwater.oracle.prefix=bwo-NAME-} gives a run namespaces of its own, so two runs on
   * one machine (CI and a developer's) do not remove each other's as stale.
   */
  static final String PREFIX = System.getProperty("breakwater.oracle.prefix", "bwo-");
  static final String HOST = PREFIX + "host";
  static final String ATTACKER = PREFIX + "att";

  static final String OUTSIDE = "eth0";
  static final String SECOND_OUTSIDE = "eth1";
  static final String BRIDGE = "docker0";

  /** The host's addresses on eth0 (the second one is where a specific-address binding differs). */
  static final String HOST_ADDRESS = "198.51.100.1";
  static final String HOST_SECOND_ADDRESS = "198.51.100.2";
  /** The host's address on eth1, a second outside link. */
  static final String HOST_ETH1_ADDRESS = "198.19.7.1";
  static final String BRIDGE_ADDRESS = "198.18.0.1";
  static final String BRIDGE_SUBNET = "198.18.0.0/24";
  /** The attacker's second prefix: routed to it by the host, as a far-away network would be. */
  static final String FAR_PREFIX = "198.18.5.0/24";

  /**
   * Destinations the attacker routes through the host and the host does not deliver: a blackhole
   * route (silent drop), a prohibit route (ICMP error), and no route at all (ICMP error).
   */
  static final String BLACKHOLE = "198.18.9.0/25";
  static final String PROHIBIT = "198.18.8.0/24";
  static final String ROUTED_AWAY = "198.18.8.0/23";
  static final List<String> UNROUTABLE = List.of("198.18.9.9", "198.18.8.8", "198.18.9.200");

  /** A Docker network: its bridge, the host's address on it, its subnet. */
  record Network(String bridge, String address, String subnet) {}

  static final Network DEFAULT_NETWORK = new Network(BRIDGE, BRIDGE_ADDRESS, BRIDGE_SUBNET);
  /** A user-defined network, named as Docker names them: br- and the network id's first 12 digits. */
  static final Network USER_NETWORK = new Network("br-0a1b2c3d4e5f", "198.18.1.1", "198.18.1.0/24");
  static final List<Network> NETWORKS = List.of(DEFAULT_NETWORK, USER_NETWORK);

  /** Every address a probe is sent to that the host owns. */
  static final List<String> HOST_ADDRESSES = List.of(HOST_ADDRESS, HOST_SECOND_ADDRESS, HOST_ETH1_ADDRESS, BRIDGE_ADDRESS,
      USER_NETWORK.address());

  record ContainerNs(String namespace, String hostVeth, String address, Network network) {
    String bridge() {
      return network.bridge();
    }
  }

  static final List<ContainerNs> CONTAINERS = List.of(
      new ContainerNs(PREFIX + "c1", "vethc1", "198.18.0.2", DEFAULT_NETWORK),
      new ContainerNs(PREFIX + "c2", "vethc2", "198.18.0.3", DEFAULT_NETWORK),
      new ContainerNs(PREFIX + "c3", "vethc3", "198.18.0.4", DEFAULT_NETWORK),
      new ContainerNs(PREFIX + "c4", "vethc4", "198.18.1.2", USER_NETWORK));

  /** Every container listens on all of these, so a SYN that arrives is always answered. */
  static final List<Integer> CONTAINER_PORTS = List.of(80, 443, 3306, 5432, 6379, 8080, 9000);

  /** The attacker listens on these (TCP and UDP), for attempts containers make outwards. */
  static final List<Integer> OUTBOUND_PORTS = List.of(53, 80, 443);

  /** The attacker's addresses on its eth0 (the /24 of the host's eth0, and the far prefix). */
  static final List<String> ATTACKER_ETH0 = List.of(
      "198.51.100.66/24", "198.51.100.67/24", "198.51.100.200/24", "198.18.5.10/24", "198.18.5.77/24");
  static final List<String> ATTACKER_ETH1 = List.of("198.19.7.66/24");

  /** Every source address a probe comes from. */
  static final List<String> SOURCES = List.of(
      "198.51.100.66", "198.51.100.67", "198.51.100.200", "198.18.5.10", "198.18.5.77", "198.19.7.66");

  /**
   * The host interface a probe to {@code destination} arrives on: the attacker routes the eth1
   * prefix over eth1 and everything else (its own /24, the bridge subnet) over eth0.
   */
  static String ingressFor(String destination) {
    return destination.startsWith("198.19.7.") || destination.equals(LOOPBACK_BY_ETH1) ? SECOND_OUTSIDE : OUTSIDE;
  }

  /**
   * Loopback destinations the attacker sends to the host as a neighbour would (its own
   * 127.0.0.0/8 policy-routed away): 127.0.0.1 over eth0, 127.0.0.2 over eth1.
   */
  static final String LOOPBACK_BY_ETH0 = "127.0.0.1";
  static final String LOOPBACK_BY_ETH1 = "127.0.0.2";
}
