package dev.breakwater.watch;

import dev.breakwater.docker.DockerClient;
import dev.breakwater.docker.FakeDockerDaemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * watch's view of the events stream (in this package for {@link FakeDockerDaemon}): a quiet
 * stream is "no event", a stream dockerd ended or dropped is an error that makes watch reconnect.
 */
class DockerEventConnectionTest {
  static final String PING = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK";
  static final String HEAD = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  static final String START = "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"a1\",\"Attributes\":{\"name\":\"db\"}}}\n";

  @TempDir Path dir;

  EventConnection open(FakeDockerDaemon daemon) {
    return DockerEventConnection.connector(DockerClient.forSocket(daemon.socket, Duration.ofSeconds(2))).open();
  }

  static FakeDockerDaemon.Reply events(boolean keepOpen, String... parts) {
    return new FakeDockerDaemon.Reply(List.of(parts), 20, keepOpen);
  }

  static String chunk(String data) {
    return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
  }

  @Test
  void aQuietStreamGivesNoEventAndNoError() throws Exception {
    try (var daemon = new FakeDockerDaemon(dir, line -> line.startsWith("GET /_ping") ? FakeDockerDaemon.Reply.of(PING)
        : events(true, HEAD, chunk(START)));
        EventConnection events = open(daemon)) {
      assertThat(events.next(Duration.ofSeconds(2))).map(e -> e.path("Action").asString()).contains("start");
      assertThat(events.next(Duration.ofMillis(300))).isEmpty();
      assertThat(daemon.requestLines.getLast()).contains("/events?filters=");
    }
  }

  @Test
  void aStreamDockerdEndedIsAnErrorNotSilence() throws Exception {
    try (var daemon = new FakeDockerDaemon(dir, line -> line.startsWith("GET /_ping") ? FakeDockerDaemon.Reply.of(PING)
        : events(false, HEAD, chunk(START), "0\r\n\r\n"));
        EventConnection events = open(daemon)) {
      assertThat(events.next(Duration.ofSeconds(2))).isPresent();
      assertThatThrownBy(() -> events.next(Duration.ofSeconds(2))).hasMessageContaining("ended");
    }
  }

  @Test
  void aDroppedConnectionIsAnError() throws Exception {
    try (var daemon = new FakeDockerDaemon(dir, line -> line.startsWith("GET /_ping") ? FakeDockerDaemon.Reply.of(PING)
        : events(false, HEAD, chunk(START)));
        EventConnection events = open(daemon)) {
      assertThat(events.next(Duration.ofSeconds(2))).isPresent();
      assertThatThrownBy(() -> events.next(Duration.ofSeconds(2))).isInstanceOf(RuntimeException.class);
    }
  }
}
