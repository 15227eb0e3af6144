package dev.breakwater.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metrics endpoint on loopback only: silent clients, and both families on {@code :PORT}. */
class MetricsServerTest {
  private static WatchMetrics metrics() {
    WatchMetrics m = new WatchMetrics(new PrometheusRegistry());
    m.inForce();
    return m;
  }

  private static HttpResponse<String> get(String url) throws Exception {
    // Well under MetricsServer.REQUEST_SECONDS: dropping the silent clients must not be what
    // lets this scrape through.
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void twentySilentConnectionsDoNotStarveAScrape() throws Exception {
    WatchMetrics metrics = metrics();
    List<Socket> silent = new ArrayList<>();
    try (HTTPServer server = MetricsServer.start(new MetricsAddress(java.util.Optional.of(new inet.ipaddr.IPAddressString("127.0.0.1").getAddress()), 0), metrics.registry())) {
      for (int i = 0; i < 20; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort()), 2000);
        if (i % 2 == 0) {
          s.getOutputStream().write("GET /metr".getBytes()); // half a request line, then nothing
          s.getOutputStream().flush();
        }
        silent.add(s);
      }
      HttpResponse<String> reply = get("http://127.0.0.1:" + server.getPort() + "/metrics");

      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(reply.body()).contains("breakwater_");
    } finally {
      for (Socket s : silent) {
        s.close();
      }
    }
  }

  /**
   * More idle connections than {@link MetricsServer#MAX_CONNECTIONS}: with the exporter's own
   * pool (10 threads, no read time-out) they would hold every thread for ever and no scrape would
   * be answered again. Here a scrape is answered within the request time-out: at once while there
   * are permits left, else as soon as the JDK server drops the silent ones. A scrape refused
   * meanwhile (the server closes a connection its executor rejects) is tried again, as
   * Prometheus does at its next interval.
   */
  @Test
  void moreIdleConnectionsThanTheCapDelayAScrapeAtMostByTheRequestTimeOut() throws Exception {
    WatchMetrics metrics = metrics();
    List<Socket> idle = new ArrayList<>();
    try (HTTPServer server = MetricsServer.start(new MetricsAddress(java.util.Optional.of(new inet.ipaddr.IPAddressString("127.0.0.1").getAddress()), 0), metrics.registry())) {
      for (int i = 0; i < MetricsServer.MAX_CONNECTIONS + 36; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort()), 2000);
        if (i % 3 == 0) {
          s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes()); // a head that never ends
          s.getOutputStream().flush();
        }
        idle.add(s);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(MetricsServer.REQUEST_SECONDS + 5).toNanos();
      HttpResponse<String> reply = null;
      List<String> refused = new ArrayList<>();
      while (reply == null && System.nanoTime() < deadline) {
        try {
          reply = get("http://127.0.0.1:" + server.getPort() + "/metrics");
        } catch (java.io.IOException e) {
          refused.add(String.valueOf(e));
          Thread.sleep(200);
        }
      }

      assertThat(reply).as("no answer within the request time-out; refused: " + refused).isNotNull();
      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(reply.body()).contains("breakwater_checks_total");
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  @Test
  void everyAddressMeansBothFamilies() throws Exception {
    assumeThat(java.net.NetworkInterface.getByInetAddress(InetAddress.getByName("::1"))).as("::1 on lo").isNotNull();
    WatchMetrics metrics = metrics();
    try (HTTPServer server = MetricsServer.start(new MetricsAddress(java.util.Optional.empty(), 0), metrics.registry())) {
      assertThat(get("http://127.0.0.1:" + server.getPort() + "/metrics").statusCode()).isEqualTo(200);
      assertThat(get("http://[::1]:" + server.getPort() + "/metrics").statusCode()).isEqualTo(200);
    }
  }
}
