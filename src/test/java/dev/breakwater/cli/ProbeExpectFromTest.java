package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.snapshot.Corpus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code probe --expect-from} end to end on loopback: the corpus snapshot docker-user-fixed
 * (mysql published on 0.0.0.0, DOCKER-USER lets only 198.51.100.0/24 in) with its port moved to
 * a free loopback port, and {@code --as} stating the vantage point the host would see.
 */
class ProbeExpectFromTest {
  private static final String TRUSTED = "198.51.100.50";
  private static final String STRANGER = "198.18.9.9";

  @TempDir Path snapshot;
  private ServerSocket listener;
  private int port;

  private static CliRun run(List<String> args) {
    return CliRun.of(args);
  }

  @BeforeEach
  void snapshotWithTheMysqlPortOnAFreeLoopbackPort() throws Exception {
    listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    port = listener.getLocalPort();
    Path corpus = Corpus.dir("docker-user-fixed");
    try (Stream<Path> files = Files.list(corpus)) {
      for (Path f : files.toList()) {
        // 3306 appears only as the published and the container port: moving both keeps the
        // snapshot consistent.
        Files.writeString(snapshot.resolve(f.getFileName().toString()),
            Files.readString(f).replace("3306", String.valueOf(port)));
      }
    }
  }

  @AfterEach
  void close() throws IOException {
    listener.close();
  }

  private CliRun probe(String vantage, String format) {
    List<String> args = new ArrayList<>(List.of("probe", "127.0.0.1", "--ports", "1", "--timeout", "700",
        "--expect-from", snapshot.toString(), "--as", vantage, "--format", format));
    return run(args);
  }

  @Test
  void anOpenPortPredictedReachableFromHereAgrees() {
    CliRun r = probe(TRUSTED, "text");
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.CLEAN);
    assertThat(r.out()).contains(port + "/tcp  open")
        .contains("Every predicted port agrees with the snapshot's prediction for " + TRUSTED);
  }

  @Test
  void anOpenPortPredictedBlockedFromHereIsADisagreement() throws Exception {
    CliRun r = probe(STRANGER, "json");
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FINDINGS);
    JsonNode expectations = Json.mapper().readTree(r.out()).path("expectations");
    assertThat(expectations.path("vantages").path(0).asString()).isEqualTo(STRANGER);
    JsonNode d = expectations.path("disagreements");
    assertThat(d.size()).isEqualTo(1);
    assertThat(d.path(0).path("port").asInt()).isEqualTo(port);
    assertThat(d.path(0).path("kind").asString()).isEqualTo("open-against-prediction");
  }

  @Test
  void aSilentPortPredictedReachableIsADisagreement() throws Exception {
    listener.close();
    CliRun r = probe(TRUSTED, "text");
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.out()).contains("1 disagreement(s)")
        .contains("127.0.0.1:" + port + " is closed, but the ruleset says it is reachable from here");
  }

  @Test
  void aMissingSnapshotIsBadInputBeforeAnyProbe() {
    CliRun r = run(List.of("probe", "127.0.0.1", "--ports", "1", "--expect-from", snapshot.resolve("nope").toString()));
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).doesNotContain("Only probe hosts").contains("nope");
  }
}
