package dev.breakwater.policy;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Optional;

/**
 * What the policy says about one published port in one address family.
 *
 * @param boundAddress the host address Docker bound it to; empty when bound to every address
 * @param allowed the sources outside the host that must reach it; everyone else must not
 * @param allowedBy where the allows came from (policy lines, container labels)
 */
public record ProtectedPort(
    String container,
    IpFamily family,
    Optional<IPAddress> boundAddress,
    int hostPort,
    Transport protocol,
    Sources allowed,
    List<String> allowedBy) {

  public ProtectedPort {
    allowedBy = List.copyOf(allowedBy);
  }

  /** The allowed sources of this port's family: {@code any}, the prefixes, or {@code nobody}. */
  public String allowedText() {
    if (allowed.any()) {
      return "any";
    }
    var own = allowed.of(family);
    return own.isEmpty() ? "nobody" : String.join(", ", own.stream().map(PolicyCompiler::prefixText).toList());
  }

  /** {@code 0.0.0.0:3306/tcp}, {@code [::]:443/tcp}. */
  public String endpoint() {
    String ip = boundAddress.map(a -> a.withoutPrefixLength().toCompressedString())
        .orElse(family == IpFamily.V4 ? "0.0.0.0" : "::");
    return (family == IpFamily.V6 ? "[" + ip + "]" : ip) + ":" + hostPort + "/" + protocol;
  }
}
