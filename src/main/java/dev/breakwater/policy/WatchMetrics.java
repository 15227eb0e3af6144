package dev.breakwater.policy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/** What {@code watch} exposes to Prometheus. */
public final class WatchMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Gauge ports = Gauge.builder().name("breakwater_published_ports")
      .help("Published ports by what the policy lets in from outside: open (any), restricted, denied")
      .labelNames("verdict").register(registry);
  private final Counter corrections = Counter.builder().name("breakwater_drift_corrections_total")
      .help("Times the firewall had drifted from the policy and the policy was applied again").register(registry);
  private final Counter checks = Counter.builder().name("breakwater_checks_total")
      .help("Policy checks by result: unchanged, applied, refused (proof failed), error").labelNames("result").register(registry);
  private final Gauge lastApply = Gauge.builder().name("breakwater_last_apply_timestamp_seconds")
      .help("Unix time of the last apply that changed the firewall").register(registry);
  private final Histogram latency = Histogram.builder().name("breakwater_apply_latency_seconds")
      .help("Time from the trigger (event or timer) to the policy being in force").register(registry);

  public PrometheusRegistry registry() {
    return registry;
  }

  void observe(List<ProtectedPort> protectedPorts) {
    long open = protectedPorts.stream().filter(p -> p.allowedText().equals("any")).count();
    long denied = protectedPorts.stream().filter(p -> p.allowedText().equals("nobody")).count();
    ports.labelValues("open").set(open);
    ports.labelValues("denied").set(denied);
    ports.labelValues("restricted").set(protectedPorts.size() - open - denied);
  }

  void checked(String result, boolean drift, double seconds, long epochSeconds) {
    checks.labelValues(result).inc();
    if (result.equals("applied")) {
      lastApply.set(epochSeconds);
      latency.observe(seconds);
      if (drift) {
        corrections.inc();
      }
    }
  }

  double corrections() {
    return corrections.get();
  }
}
