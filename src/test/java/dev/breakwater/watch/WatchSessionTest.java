package dev.breakwater.watch;

import dev.breakwater.gather.HostReader;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole session on real threads, with a fake host and a fake event stream: the start-up
 * apply, an event's correction, and the metrics endpoint (on loopback) showing both.
 */
class WatchSessionTest {
  static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void startsAppliesOnEventsAndServesTheMetrics() throws Exception {
    FakeHost host = new FakeHost(new FakeClock(Instant.parse("2026-11-24T16:00:00Z")));
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    LinkedBlockingQueue<JsonNode> daemon = new LinkedBlockingQueue<>();
    EventConnection.Connector connector = () -> new EventConnection() {
      @Override
      public Optional<JsonNode> next(Duration wait) {
        try {
          return Optional.ofNullable(daemon.poll(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted");
        }
      }

      @Override
      public void close() {}
    };
    List<String> lines = new CopyOnWriteArrayList<>();
    WatchMetrics metrics = new WatchMetrics(new PrometheusRegistry());
    Enforcer enforcer = compiled -> {
      synchronized (host) {
        return host.apply(compiled);
      }
    };
    HostReader reader = () -> {
      synchronized (host) {
        return host.read();
      }
    };

    try (WatchSession session = WatchSession.start(WatchLoopTest.POLICY, reader, enforcer, connector,
        new WatchLog(java.time.InstantSource.system(), lines::add), metrics, Duration.ofHours(1),
        Optional.of(new MetricsAddress(Optional.of(new inet.ipaddr.IPAddressString("127.0.0.1").getAddress()), 0)))) {
      await(() -> metrics.driftCorrections() == 1);

      host.containers.add(FakeHost.container("db", 3306, Map.of("breakwater.allow", "198.51.100.66/32")));
      daemon.add(JSON.readTree("""
          {"Type":"container","Action":"start","Actor":{"ID":"d1","Attributes":{"name":"db"}},"timeNano":%d}"""
          .formatted(System.currentTimeMillis() * 1_000_000L)));
      await(() -> metrics.driftCorrections() == 2);

      String exposition = get("http://127.0.0.1:" + session.metricsPort().orElseThrow() + "/metrics");
      assertThat(exposition)
          .contains("breakwater_drift_corrections_total 2.0")
          .contains("breakwater_published_ports{verdict=\"any\"} 1.0")
          .contains("breakwater_published_ports{verdict=\"restricted\"} 1.0")
          .contains("breakwater_published_ports{verdict=\"denied\"} 0.0")
          .contains("breakwater_apply_latency_seconds_count 2")
          .contains("breakwater_last_apply_timestamp_seconds ");
    }
    synchronized (host) {
      assertThat(host.applies).hasSize(2);
      assertThat(host.chain).contains("-A BREAKWATER -s 198.51.100.66/32 -p tcp -m conntrack --ctorigdstport 3306 --ctdir ORIGINAL -j RETURN");
    }
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("event=drift-corrected", "cause=startup");
    assertThat(lines.get(1)).contains("event=drift-corrected", "cause=container-start", "container=db");
  }

  /** Waits for a condition the session reaches by itself; fails only if it never does. */
  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("the session did not get there within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  static String get(String url) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    }
  }
}
