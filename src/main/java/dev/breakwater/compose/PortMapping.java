package dev.breakwater.compose;

import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.Optional;

/**
 * One publication: host address (absent when none was written), host port range (absent for an
 * ephemeral port), container port range and protocol.
 */
public record PortMapping(
    Optional<String> hostIp, Optional<PortRange> published, PortRange target, Transport protocol) {

  public HostBinding binding() {
    if (hostIp.isEmpty() || hostIp.get().isEmpty()) {
      return HostBinding.UNBOUND;
    }
    String ip = hostIp.get();
    if (ip.startsWith("$")) {
      return HostBinding.UNKNOWN;
    }
    IPAddress address = new IPAddressString(ip).getAddress();
    if (address == null) {
      return HostBinding.UNKNOWN;
    }
    if (address.isZero()) {
      return HostBinding.ALL_INTERFACES;
    }
    return address.isLoopback() ? HostBinding.LOOPBACK : HostBinding.SPECIFIC;
  }

  /** {@code 127.0.0.1:8080:80/udp}, the short syntax that means the same. */
  public String toShortSyntax() {
    StringBuilder b = new StringBuilder();
    hostIp.filter(ip -> !ip.isEmpty()).ifPresent(ip -> b.append(ip.contains(":") ? "[" + ip + "]" : ip).append(':'));
    if (published.isPresent()) {
      b.append(published.get()).append(':');
    } else if (hostIp.isPresent() && !hostIp.get().isEmpty()) {
      b.append(':');
    }
    b.append(target);
    if (protocol != Transport.TCP) {
      b.append('/').append(protocol.label());
    }
    return b.toString();
  }
}
