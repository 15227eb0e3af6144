package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Everything one probe run learned.
 *
 * @param results one entry per endpoint probed (every state, for comparisons and counts)
 * @param findings what the service checks found behind the open ports, in scan order
 */
public record ProbeReport(List<InetAddress> hosts, int portsPerHost, List<PortResult> results,
    List<ServiceFinding> findings, Duration elapsed) {

  public List<PortResult> open() {
    return results.stream().filter(r -> r.state() == PortState.OPEN).toList();
  }

  public long count(PortState state) {
    return results.stream().filter(r -> r.state() == state).count();
  }

  /** The most severe finding, or INFO when there is none. */
  public Severity worst() {
    return findings.stream().map(ServiceFinding::severity).max(Enum::compareTo).orElse(Severity.INFO);
  }
}
