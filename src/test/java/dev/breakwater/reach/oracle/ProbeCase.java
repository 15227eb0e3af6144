package dev.breakwater.reach.oracle;

/**
 * One TCP connection attempt from the attacker namespace.
 *
 * @param sourcePort unique in a run, so that each attempt is its own conntrack entry and its own
 *     half-open socket in a container
 * @param inInterface the host interface the SYN arrives on (from the attacker's routes, or the
 *     bridge for a container's)
 * @param protocol {@code tcp} or {@code udp}
 * @param origin the namespace the attempt is made from: the attacker's or a container's
 */
record ProbeCase(String source, int sourcePort, String destination, int destinationPort, String inInterface,
    String protocol, String origin) {

  ProbeCase(String source, int sourcePort, String destination, int destinationPort, String inInterface) {
    this(source, sourcePort, destination, destinationPort, inInterface, "tcp");
  }

  ProbeCase(String source, int sourcePort, String destination, int destinationPort, String inInterface, String protocol) {
    this(source, sourcePort, destination, destinationPort, inInterface, protocol, OracleTopology.ATTACKER);
  }

  /** Made from a container, outwards: the host may masquerade its source, only its port is kept. */
  boolean outbound() {
    return !origin.equals(OracleTopology.ATTACKER);
  }

  String describe() {
    return (outbound() ? "from " + origin + ": " : "") + protocol + " " + source + ":" + sourcePort + " -> " + destination + ":" + destinationPort + " in " + inInterface;
  }
}
