package dev.breakwater.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.breakwater.catalog.Severity;
import java.util.List;

/**
 * One listening socket of the host itself (not a container's publication), as the audit reports
 * it; one line of {@code ss -Htulnp}. Field names are the JSON contract ({@code hostListeners}
 * of {@code breakwater audit --format json}).
 *
 * @param process the name of the process holding the socket, empty when ss could not see it
 * @param address the bound address; {@code *} for a dual-stack socket (IPv4 and IPv6)
 * @param device the device the socket is bound to ({@code lo} for {@code 127.0.0.53%lo}), or empty
 * @param expected the port is in {@code --expect-open}
 * @param ufwClaim what UFW says about this port: {@code deny}, {@code allow} or {@code none}
 * @param decidedBy citation of the rule that lets the sources in, or the empty string
 */
public record ListenerExposure(
    String process,
    List<Integer> pids,
    String address,
    String device,
    int port,
    String protocol,
    List<String> reachableFrom,
    List<String> possiblyReachableFrom,
    boolean exact,
    boolean expected,
    String ufwClaim,
    String decidedBy,
    List<String> notes,
    List<ExposureFinding> findings) {

  public ListenerExposure {
    pids = List.copyOf(pids);
    reachableFrom = List.copyOf(reachableFrom);
    possiblyReachableFrom = List.copyOf(possiblyReachableFrom);
    notes = List.copyOf(notes);
    findings = List.copyOf(findings);
  }

  /** The worst finding's severity; {@code INFO} when there is none. */
  @JsonIgnore
  public Severity severity() {
    return ExposureFinding.worst(findings);
  }

  /** {@code 0.0.0.0:3306/tcp}, {@code [::1]:6379/tcp}, {@code *:22/tcp}, {@code 127.0.0.53%lo:53/udp}. */
  @JsonIgnore
  public String endpoint() {
    String ip = address.contains(":") ? "[" + address + "]" : address;
    return ip + (device.isEmpty() ? "" : "%" + device) + ":" + port + "/" + protocol;
  }
}
