package dev.breakwater.reach.oracle;

/**
 * One TCP connection attempt from the attacker namespace.
 *
 * @param sourcePort unique in a run, so that each attempt is its own conntrack entry and its own
 *     half-open socket in a container
 * @param inInterface the host interface the SYN arrives on (from the attacker's routes)
 */
record ProbeCase(String source, int sourcePort, String destination, int destinationPort, String inInterface,
    String protocol) {

  ProbeCase(String source, int sourcePort, String destination, int destinationPort, String inInterface) {
    this(source, sourcePort, destination, destinationPort, inInterface, "tcp");
  }

  String describe() {
    return protocol + " " + source + ":" + sourcePort + " -> " + destination + ":" + destinationPort + " in " + inInterface;
  }
}
