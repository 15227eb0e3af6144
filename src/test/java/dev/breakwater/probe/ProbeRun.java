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
    return loopback(port, service, new CheckOptions(Duration.ofSeconds(5), tryDefaultCredentials));
  }

  /** The findings of a probe that logs in as {@code user} with {@code password}. */
  static List<ServiceFinding> withLogin(int port, String service, String user, String password) throws Exception {
    return loopback(port, service, new CheckOptions(Duration.ofSeconds(5), false,
        new Logins(List.of(new Login(service, user, password, "test"))))).findings();
  }

  private static ProbeReport loopback(int port, String service, CheckOptions options) throws Exception {
    Prober prober = new Prober(new ScanSettings(64, Duration.ofSeconds(2), 0), options,
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
