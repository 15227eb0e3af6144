package dev.breakwater.probe;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Probes one loopback port the way the CLI would, with the port mapped to a service. */
final class ProbeRun {
  private ProbeRun() {}

  static ProbeReport loopback(int port, String service, boolean tryDefaultCredentials) throws Exception {
    Prober prober = new Prober(new ScanSettings(64, Duration.ofSeconds(2), 0),
        new CheckOptions(Duration.ofSeconds(5), tryDefaultCredentials),
        ServiceChecks.withOverrides(Map.of(port, service)));
    return prober.run(List.of(InetAddress.getByName("127.0.0.1")), List.of(port), ScanProgress.NONE);
  }

  static Optional<ServiceFinding> onlyFinding(ProbeReport report) {
    if (report.findings().size() > 1) {
      throw new AssertionError("more than one finding: " + report.findings());
    }
    return report.findings().stream().findFirst();
  }
}
