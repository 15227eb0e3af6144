package dev.breakwater.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.problem.EnvironmentProblem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The client's HTTP and API logic against a scripted daemon; the real one is in LabTest. */
class DockerClientTest {
  @TempDir Path dir;

  private static final String PING_141 = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK";

  @Test
  void aHeaderFloodOrOneEndlessHeaderLineIsRefusedWithoutFillingTheHeap() throws Exception {
    String flood = "HTTP/1.1 200 OK\r\n" + "X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(3000) + "\r\n";
    String endless = "HTTP/1.1 200 OK\r\nX-Flood: " + "a".repeat(70 * 1024);
    for (String reply : new String[] {flood, endless}) {
      try (var daemon = new FakeDockerDaemon(dir, line -> FakeDockerDaemon.Reply.of(reply))) {
        assertThatThrownBy(() -> DockerClient.forSocket(daemon.socket, Duration.ofSeconds(5)).version())
            .isInstanceOf(DockerApiException.class)
            .hasMessageContaining("status line and headers are larger than 64 KiB");
      }
    }
  }

  /** A head that never ends, streamed: refused at 64 KiB, not read until the heap is full. */
  @Test
  void anEndlessHeadIsRefusedAt64KiB() throws Exception {
    try (var daemon = new FakeDockerDaemon(dir, line -> FakeDockerDaemon.Reply.flood("HTTP/1.1 200 OK\r\n", "X-Flood: a\r\n"))) {
      assertThatThrownBy(() -> DockerClient.forSocket(daemon.socket, Duration.ofSeconds(10)).version())
          .isInstanceOf(DockerApiException.class)
          .hasMessageContaining("status line and headers are larger than 64 KiB (is the socket Docker's?)");
    }
  }

  /**
   * A body that never ends (to end of stream, chunked, or a Content-Length of 1 TiB) is refused
   * at 64 MiB with one clear message. The daemon has sent more than that by then: the client read
   * all of it and stopped at the cap, not at the first bytes.
   */
  @Test
  void anEndlessBodyIsRefusedAt64MiB() throws Exception {
    String chunk = chunk("a".repeat(4096));
    List<FakeDockerDaemon.Reply> floods = List.of(
        FakeDockerDaemon.Reply.flood("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[", "\"aaaaaaaaaaaaaa\","),
        FakeDockerDaemon.Reply.flood("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", chunk),
        FakeDockerDaemon.Reply.flood("HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n", "a"));
    for (FakeDockerDaemon.Reply flood : floods) {
      try (var daemon = new FakeDockerDaemon(dir, line -> line.startsWith("GET /_ping") ? FakeDockerDaemon.Reply.of(PING_141) : flood)) {
        assertThatThrownBy(() -> DockerClient.forSocket(daemon.socket, Duration.ofSeconds(60)).listContainers(false))
            .isInstanceOf(DockerApiException.class)
            .hasMessageContaining("the response body is larger than 64 MiB (is the socket Docker's?)");
        assertThat(daemon.flooded.get()).as("read up to the cap").isGreaterThanOrEqualTo(UnixHttpExchange.MAX_BODY_BYTES);
      }
    }
  }

  /** An event line that never ends is refused at 1 MiB, as the stream's error, not an out-of-memory. */
  @Test
  void anEndlessEventLineIsRefusedAt1MiB() throws Exception {
    var flood = FakeDockerDaemon.Reply.flood("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunk("{\"status\":\"start\",\"id\":\"a1\"}\n") + chunk("{\"status\":\""), chunk("a".repeat(4096)));
    try (var daemon = new FakeDockerDaemon(dir, line -> line.startsWith("GET /_ping") ? FakeDockerDaemon.Reply.of(PING_141) : flood);
        var events = DockerClient.forSocket(daemon.socket, Duration.ofSeconds(10)).events(Map.of())) {
      assertThat(events.next(Duration.ofSeconds(10))).map(e -> e.path("status").asString()).contains("start");
      assertThatThrownBy(() -> events.next(Duration.ofSeconds(30)))
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessage("reading Docker events: a line of the streamed response is longer than 1024 KiB (is the socket Docker's?)");
      assertThat(daemon.flooded.get()).isGreaterThanOrEqualTo(UnixHttpExchange.MAX_LINE_BYTES);
    }
  }

  @Test
  void negotiatesTheLowerOfTheDaemonsAndOurApiVersion() throws Exception {
    try (var daemon = new FakeDockerDaemon(dir, line -> FakeDockerDaemon.Reply.of(PING_141))) {
      assertThat(DockerClient.forSocket(daemon.socket, Duration.ofSeconds(2)).apiVersion()).isEqualTo("1.41");
    }
  }

  @Test
  void aNewerDaemonIsSpokenToInOurVersion() throws Exception {
    String ping = "HTTP/1.1 200 OK\r\nApi-Version: 1.51\r\nContent-Length: 2\r\n\r\nOK";
    try (var daemon = new FakeDockerDaemon(dir, line -> FakeDockerDaemon.Reply.of(ping))) {
      assertThat(DockerClient.forSocket(daemon.socket, Duration.ofSeconds(2)).apiVersion()).isEqualTo(DockerClient.CLIENT_API_VERSION);
    }
  }

  @Test
  void withoutTheHeaderTheVersionEndpointDecides() throws Exception {
    try (var daemon = new FakeDockerDaemon(dir, line -> FakeDockerDaemon.Reply.of(line.startsWith("GET /_ping")
        ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
        : FakeDockerDaemon.json(200, "{\"ApiVersion\":\"1.40\",\"Version\":\"19.03.15\"}")))) {
      assertThat(DockerClient.forSocket(daemon.socket, Duration.ofSeconds(2)).apiVersion()).isEqualTo("1.40");
      assertThat(daemon.requestLines).containsExactly("GET /_ping HTTP/1.1", "GET /version HTTP/1.1");
    }
  }

  @Test
  void inspectRunningListsThenInspectsEachContainerInVersionedPaths() throws Exception {
    try (var daemon = new FakeDockerDaemon(dir, line -> FakeDockerDaemon.Reply.of(switch (line) {
      case "GET /_ping HTTP/1.1" -> PING_141;
      case "GET /v1.41/containers/json HTTP/1.1" -> FakeDockerDaemon.json(200, "[{\"Id\":\"aaa\"},{\"Id\":\"bbb\"},{\"Id\":\"gone\"}]");
      case "GET /v1.41/containers/aaa/json HTTP/1.1" -> FakeDockerDaemon.json(200, "{\"Id\":\"aaa\",\"Name\":\"/db\"}");
      case "GET /v1.41/containers/bbb/json HTTP/1.1" -> FakeDockerDaemon.json(200, "{\"Id\":\"bbb\",\"Name\":\"/web\"}");
      default -> FakeDockerDaemon.json(404, "{\"message\":\"No such container\"}");
    }))) {
      var inspected = DockerClient.forSocket(daemon.socket, Duration.ofSeconds(2)).inspectRunning();
      assertThat(inspected).extracting(n -> n.path("Name").asString()).containsExactly("/db", "/web");
    }
  }

  @Test
  void chunkedBodiesAreReassembledEvenWhenChunksArriveInPieces() throws Exception {
    String body = "[{\"Id\":\"aaa\",\"Names\":[\"/db\"]}]";
    String first = body.substring(0, 10);
    String second = body.substring(10);
    var reply = new FakeDockerDaemon.Reply(List.of(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        Integer.toHexString(first.length()) + "\r\n" + first.substring(0, 4), first.substring(4) + "\r\n",
        Integer.toHexString(second.length()) + ";ext=1\r\n" + second + "\r\n",
        "0\r\n\r\n"), 20, false);
    try (var daemon = new FakeDockerDaemon(dir, line -> line.startsWith("GET /_ping") ? FakeDockerDaemon.Reply.of(PING_141) : reply)) {
      var list = DockerClient.forSocket(daemon.socket, Duration.ofSeconds(2)).listContainers(false);
      assertThat(list.get(0).path("Names").get(0).asString()).isEqualTo("/db");
    }
  }

  @Test
  void eventsArriveOneJsonObjectPerLineAcrossChunkBoundaries() throws Exception {
    var reply = new FakeDockerDaemon.Reply(List.of(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        chunk("{\"status\":\"start\",\"id\":\"a1\"}\n"),
        chunk("{\"status\":"),
        chunk("\"die\",\"id\":\"a1\"}\n")), 50, true);
    try (var daemon = new FakeDockerDaemon(dir, line -> line.startsWith("GET /_ping") ? FakeDockerDaemon.Reply.of(PING_141) : reply);
        var events = DockerClient.forSocket(daemon.socket, Duration.ofSeconds(2)).events(Map.of("type", List.of("container")))) {
      Optional<JsonNode> first = events.next(Duration.ofSeconds(2));
      Optional<JsonNode> second = events.next(Duration.ofSeconds(2));
      Optional<JsonNode> none = events.next(Duration.ofMillis(200));
      assertThat(first).map(e -> e.path("status").asString()).contains("start");
      assertThat(second).map(e -> e.path("status").asString()).contains("die");
      assertThat(none).isEmpty();
      assertThat(daemon.requestLines.getLast()).startsWith("GET /v1.41/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D ");
    }
  }

  private static String chunk(String data) {
    return Integer.toHexString(data.getBytes(java.nio.charset.StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
  }

  @Test
  void aSilentDaemonTimesOutInsteadOfHanging() throws Exception {
    var silent = new FakeDockerDaemon.Reply(List.of(), 0, true);
    try (var daemon = new FakeDockerDaemon(dir, line -> silent)) {
      var client = DockerClient.forSocket(daemon.socket, Duration.ofMillis(300));
      assertThat(client.ping()).isFalse();
      assertThatThrownBy(client::version).isInstanceOf(DockerApiException.class).hasMessageContaining("no answer");
    }
  }

  @Test
  void errorsCarryTheStatusAndTheDaemonsMessage() throws Exception {
    try (var daemon = new FakeDockerDaemon(dir, line -> FakeDockerDaemon.Reply.of(line.startsWith("GET /_ping")
        ? PING_141 : FakeDockerDaemon.json(500, "{\"message\":\"boom\"}")))) {
      assertThatThrownBy(() -> DockerClient.forSocket(daemon.socket, Duration.ofSeconds(2)).inspect("abc"))
          .isInstanceOfSatisfying(DockerApiException.class, e -> assertThat(e.status()).isEqualTo(500))
          .hasMessageContaining("boom");
    }
  }

  @Test
  void aMissingSocketIsReportedNotThrownByPing() {
    var client = DockerClient.forSocket(dir.resolve("nothing.sock"), Duration.ofSeconds(1));
    assertThat(client.ping()).isFalse();
    assertThatThrownBy(client::apiVersion).isInstanceOf(DockerApiException.class).hasMessageContaining("nothing.sock");
  }

  @Test
  void containerIdsThatCouldChangeThePathAreRefused() {
    var client = DockerClient.forSocket(dir.resolve("x.sock"), Duration.ofSeconds(1));
    assertThatThrownBy(() -> client.inspect("../../version")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dockerHostMustBeAUnixSocket() {
    assertThat(DockerClient.socketOf(Optional.empty())).isEqualTo(Path.of("/var/run/docker.sock"));
    assertThat(DockerClient.socketOf(Optional.of(""))).isEqualTo(Path.of("/var/run/docker.sock"));
    assertThat(DockerClient.socketOf(Optional.of("unix:///run/user/1000/docker.sock"))).isEqualTo(Path.of("/run/user/1000/docker.sock"));
    for (String bad : List.of("tcp://10.0.0.1:2375", "ssh://me@host", "unix://", "/var/run/docker.sock")) {
      assertThatThrownBy(() -> DockerClient.socketOf(Optional.of(bad)))
          .isInstanceOf(EnvironmentProblem.class).hasMessageContaining("only unix sockets are supported");
    }
  }

  @Test
  void versionsCompareNumerically() {
    assertThat(DockerClient.compareVersions("1.9", "1.41")).isNegative();
    assertThat(DockerClient.compareVersions("1.41", "1.41")).isZero();
    assertThat(DockerClient.compareVersions("2.0", "1.99")).isPositive();
  }
}
