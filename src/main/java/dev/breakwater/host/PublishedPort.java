package dev.breakwater.host;

import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;

/**
 * One published port of a container, one entry of {@code NetworkSettings.Ports}.
 *
 * @param hostIp the address Docker bound ({@code 0.0.0.0} and {@code ::} mean all of that family)
 * @param containerIp the container's address in the network Docker DNATs to, when known
 */
public record PublishedPort(
    IPAddress hostIp, int hostPort, int containerPort, Transport protocol, java.util.Optional<IPAddress> containerIp) {

  public boolean boundToAll() {
    return hostIp.isAnyLocal();
  }
}
