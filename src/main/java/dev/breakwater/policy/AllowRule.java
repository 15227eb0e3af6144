package dev.breakwater.policy;

import dev.breakwater.host.Container;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.Transport;
import java.util.Optional;

/**
 * One allow: the published ports it is about (by container and/or host port) and the sources
 * that may reach them from outside.
 *
 * @param port the host port; empty means every published port of the selected containers
 * @param protocol empty means any protocol
 * @param origin where the entry was written ({@code policy.yml:12:5} or {@code label
 *     breakwater.allow on container web}), for the plan and for errors
 */
public record AllowRule(
    Selector selector, Optional<Integer> port, Optional<Transport> protocol, Sources sources, String origin) {

  public boolean covers(Container container, PublishedPort published) {
    return selector.selects(container)
        && port.map(p -> p == published.hostPort()).orElse(true)
        && protocol.map(p -> p == published.protocol()).orElse(true);
  }
}
