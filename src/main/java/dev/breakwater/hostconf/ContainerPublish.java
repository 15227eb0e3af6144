package dev.breakwater.hostconf;

import dev.breakwater.net.Transport;

/**
 * A container port published to addresses other than loopback, as the checks of the host's
 * configuration need it: which container, the host port a client connects to, the port the
 * container listens on (what filter rules after DNAT see) and the transport (a fail2ban jail bans
 * one protocol, or a list of them).
 */
public record ContainerPublish(String container, int hostPort, int containerPort, Transport protocol) {
  /** A TCP port, the common case. */
  public ContainerPublish(String container, int hostPort, int containerPort) {
    this(container, hostPort, containerPort, Transport.TCP);
  }

  /** {@code 8443 (web)}, {@code 53/udp (dns)}: how findings name it. */
  String named() {
    return hostPort + (protocol == Transport.TCP ? "" : "/" + protocol.label()) + " (" + container + ")";
  }
}
