package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ProbeCommandTest {
  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  /** A loopback web server that answers every connection with one fixed response. */
  private static ServerSocket webServer() throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try (Socket c = server.accept()) {
          c.getInputStream().read(new byte[1024]);
          c.getOutputStream().write("HTTP/1.0 200 OK\r\nServer: canned/1.0\r\n\r\nhi".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          // closed, or the scanner's bare connect: both fine
        }
      }
    });
    return server;
  }

  @Test
  void probesALoopbackPortAndPrintsJsonWithTheReminderOnStderr() throws IOException {
    try (ServerSocket server = webServer()) {
      int port = server.getLocalPort();
      CliRun r = run("probe", "127.0.0.1", "--ports", String.valueOf(port), "--service", port + "=http", "--format", "json");
      assertThat(r.exit()).isEqualTo(ExitCodes.CLEAN);
      assertThat(r.err()).contains("Only probe hosts you own");
      JsonNode json = Json.mapper().readTree(r.out());
      assertThat(json.path("counts").path("open").asInt()).isEqualTo(1);
      assertThat(json.path("open").path(0).path("port").asInt()).isEqualTo(port);
      assertThat(json.path("findings").path(0).path("service").asString()).isEqualTo("http");
      assertThat(json.path("findings").path(0).path("version").asString()).isEqualTo("canned/1.0");
      assertThat(json.path("findings").path(0).path("severity").asString()).isEqualTo("info");
    }
  }

  @Test
  void failOnDecidesTheExitCodeAndTextOutputNamesThePort() throws IOException {
    try (ServerSocket server = webServer()) {
      int port = server.getLocalPort();
      CliRun r = run("probe", "127.0.0.1", "--ports", String.valueOf(port), "--service", port + "=http", "--fail-on", "info");
      assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
      assertThat(r.out()).contains(port + "/tcp  open  http").contains("Probed 1 port(s) on 1 host(s)");
    }
  }

  @Test
  void aVantagePointWithoutASnapshotIsBadInput() {
    CliRun r = run("probe", "127.0.0.1", "--ports", "1", "--as", "198.51.100.50");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err().strip()).isEqualTo("breakwater: --as states the vantage point for --expect-from; add --expect-from DIR");
  }

  @Test
  void badPortListsAreOneLineAndExitTwo() {
    CliRun r = run("probe", "127.0.0.1", "--ports", "22,http");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err().strip()).isEqualTo("breakwater: --ports '22,http': 'http' is not a port (1-65535) or a range N-M");
  }

  @Test
  void aTargetLargerThanOneSlash24NeedsTheFlagAndNothingIsProbed() {
    CliRun r = run("probe", "198.51.100.0/23", "--ports", "22");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--allow-large-ranges").doesNotContain("Only probe hosts");
  }

  @Test
  void portChoicesExcludeEachOtherAndATargetIsRequired() {
    assertThat(run("probe", "127.0.0.1", "--ports", "22", "--all").exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("probe", "--ports", "22").exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("probe", "127.0.0.1", "--concurrency", "0", "--ports", "22").err())
        .contains("concurrency must be at least 1");
  }

  @Test
  void helpTeachesWithExamples() {
    CliRun r = run("probe", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--try-default-credentials", "--expect-from", "Examples:", "own");
  }
}
