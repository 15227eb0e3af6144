package dev.breakwater.compose;

import dev.breakwater.catalog.DataStores;
import dev.breakwater.catalog.ReverseProxies;
import dev.breakwater.catalog.UdpAmplifiers;
import dev.breakwater.net.Transport;
import java.util.Optional;

/** Facts about a publication that several rules need. */
public final class Publications {
  private Publications() {}

  /**
   * The binding that takes effect: "no address" means the network's host_binding_ipv4 when every
   * network of the service sets one, else every address.
   */
  public static HostBinding effectiveBinding(Service service, PortEntry port) {
    HostBinding written = port.mapping().binding();
    if (written != HostBinding.UNBOUND || service.defaultHostIp().isEmpty()) {
      return written;
    }
    return new PortMapping(service.defaultHostIp(), port.mapping().published(), port.mapping().target(),
        port.mapping().protocol()).binding();
  }

  /** The data store listening behind this publication, by image and container port. */
  public static Optional<DataStores.Kind> dataStore(Service service, PortEntry port) {
    var target = port.mapping().target();
    int last = Math.min(target.last(), target.first() + 256);
    for (int p = target.first(); p <= last; p++) {
      Optional<DataStores.Kind> kind = DataStores.identify(service.imageName(), p);
      if (kind.isPresent()) {
        return kind;
      }
    }
    return Optional.empty();
  }

  /** The address written for the publication, or the network's default when none was. */
  public static Optional<String> effectiveAddress(Service service, PortEntry port) {
    return port.mapping().hostIp().filter(ip -> !ip.isEmpty()).or(service::defaultHostIp);
  }

  /**
   * True when a reverse proxy's image publishes one of its public container ports (80, 443,
   * 8443, 443/udp): that port is meant to face the internet.
   */
  public static boolean reverseProxyPublicPort(Service service, PortEntry port) {
    PortMapping m = port.mapping();
    return m.target().first() == m.target().last() && ReverseProxies.isReverseProxy(service.imageName())
        && m.protocol() != Transport.SCTP
        && ReverseProxies.isPublicPort(m.target().first(), m.protocol() == Transport.UDP);
  }

  /** The UDP amplification service behind a UDP publication (by its container port). */
  public static Optional<String> udpAmplifier(PortEntry port) {
    PortMapping m = port.mapping();
    if (m.protocol() != Transport.UDP) {
      return Optional.empty();
    }
    int last = Math.min(m.target().last(), m.target().first() + 256);
    for (int p = m.target().first(); p <= last; p++) {
      Optional<String> name = UdpAmplifiers.service(p);
      if (name.isPresent()) {
        return name;
      }
    }
    return Optional.empty();
  }

  /** {@code 8080->80/tcp}, or {@code (random)->80/tcp} for an ephemeral host port. */
  public static String describe(PortEntry port) {
    PortMapping m = port.mapping();
    return m.published().map(Object::toString).orElse("(random)") + "->" + m.target() + "/" + m.protocol();
  }

  public static String boundExample(PortEntry port) {
    PortMapping m = port.mapping();
    return new PortMapping(Optional.of("127.0.0.1"), m.published(), m.target(), m.protocol()).toShortSyntax();
  }
}
