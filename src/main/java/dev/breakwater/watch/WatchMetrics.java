package dev.breakwater.watch;

import dev.breakwater.policy.ProtectedPort;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * watch's Prometheus metrics, registered in one registry (its own, so tests and a second watcher
 * in the same JVM never share counters).
 *
 * <pre>
 * breakwater_published_ports{verdict="any|restricted|denied"}  gauge    per the last check
 * breakwater_drift_corrections_total                          counter  applies that changed the firewall
 * breakwater_last_apply_timestamp_seconds                     gauge    unix time of the last correction
 * breakwater_apply_latency_seconds                            histogram cause (event) to verified chain
 * breakwater_checks_total{result="in-force|corrected|failed|refused|deferred"} counter
 * </pre>
 */
public final class WatchMetrics {
  /** What the policy grants a published port, from outside. */
  public enum AllowScope {
    ANY("any"),
    RESTRICTED("restricted"),
    DENIED("denied");

    private final String label;

    AllowScope(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    static AllowScope of(ProtectedPort port) {
      if (port.allowed().any()) {
        return ANY;
      }
      return port.allowed().of(port.family()).isEmpty() ? DENIED : RESTRICTED;
    }
  }

  private final PrometheusRegistry registry;
  private final Gauge publishedPorts;
  private final Counter driftCorrections;
  private final Gauge lastApply;
  private final Histogram applyLatency;
  private final Counter checks;
  private final Counter refused;

  public WatchMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    publishedPorts = Gauge.builder()
        .name("breakwater_published_ports")
        .help("Published ports (per address family) by what the policy grants them from outside, at the last check")
        .labelNames("verdict")
        .register(registry);
    driftCorrections = Counter.builder()
        .name("breakwater_drift_corrections_total")
        .help("Applies that changed the firewall because the BREAKWATER chain differed from the compiled policy")
        .register(registry);
    lastApply = Gauge.builder()
        .name("breakwater_last_apply_timestamp_seconds")
        .help("Unix time of the last apply that changed the firewall")
        .register(registry);
    applyLatency = Histogram.builder()
        .name("breakwater_apply_latency_seconds")
        .help("Seconds from the cause of a correction (the Docker event, or the check's start) to the corrected chain verified in iptables-save")
        .classicOnly()
        .classicUpperBounds(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10)
        .register(registry);
    checks = Counter.builder()
        .name("breakwater_checks_total")
        .help("Firewall checks, by result")
        .labelNames("result")
        .register(registry);
    refused = Counter.builder()
        .name("breakwater_corrections_refused_total")
        .help("Corrections not applied because the reach engine's proof of the corrected firewall failed (the firewall was left as it was)")
        .register(registry);
    for (AllowScope verdict : AllowScope.values()) {
      publishedPorts.labelValues(verdict.label()).set(0);
    }
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  void ports(List<ProtectedPort> ports) {
    Map<AllowScope, Integer> counts = new EnumMap<>(AllowScope.class);
    for (AllowScope verdict : AllowScope.values()) {
      counts.put(verdict, 0);
    }
    ports.forEach(p -> counts.merge(AllowScope.of(p), 1, Integer::sum));
    counts.forEach((verdict, n) -> publishedPorts.labelValues(verdict.label()).set(n));
  }

  void corrected(Duration latency, Instant appliedAt) {
    driftCorrections.inc();
    lastApply.set(appliedAt.toEpochMilli() / 1000.0);
    applyLatency.observe(Math.max(0, latency.toNanos()) / 1e9);
    checks.labelValues("corrected").inc();
  }

  void inForce() {
    checks.labelValues("in-force").inc();
  }

  void failed() {
    checks.labelValues("failed").inc();
  }

  /** A correction the change journal deferred: a change waits for confirm or never finished. */
  void deferred() {
    checks.labelValues("deferred").inc();
  }

  void refused() {
    refused.inc();
    checks.labelValues("refused").inc();
  }

  // Read back, for tests and the benchmark.

  public double publishedPorts(AllowScope verdict) {
    return publishedPorts.labelValues(verdict.label()).get();
  }

  public double refusedCorrections() {
    return refused.get();
  }

  public double driftCorrections() {
    return driftCorrections.get();
  }

  public double lastApplySeconds() {
    return lastApply.get();
  }

  public long latencyCount() {
    return applyLatency.getCount();
  }

  public double latencySumSeconds() {
    return applyLatency.getSum();
  }

  public double checks(String result) {
    return checks.labelValues(result).get();
  }
}
