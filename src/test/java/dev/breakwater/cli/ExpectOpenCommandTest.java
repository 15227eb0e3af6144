package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code audit --expect-open}: what is meant to be public, its exit codes and its bad input. */
class ExpectOpenCommandTest {

  private static Path fixture() throws URISyntaxException {
    return Path.of(ExpectOpenCommandTest.class.getResource("/listeners/host-listeners").toURI());
  }

  /** The fixture host with no containers and only sshd listening on 0.0.0.0:22 (UFW allows 22). */
  private static String sshOnly(Path dir) throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(fixture())) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Files.writeString(dir.resolve("docker-inspect.json"), "[]\n");
    Files.writeString(dir.resolve("ss-listening.txt"),
        "tcp   LISTEN 0      128              0.0.0.0:22        0.0.0.0:*    users:((\"sshd\",pid=812,fd=3))\n");
    return dir.toString();
  }

  @Test
  void anOpenPortNotInTheListFailsTheRunAndAListedOneDoesNot(@TempDir Path dir) throws Exception {
    String snap = sshOnly(dir);

    CliRun noIntent = CliRun.of("audit", "--from", snap);
    assertThat(noIntent.exit()).as(noIntent.out()).isEqualTo(ExitCodes.CLEAN);
    assertThat(noIntent.out()).contains("host-port-open").contains("sshd");

    CliRun other = CliRun.of("audit", "--from", snap, "--expect-open", "443/tcp");
    assertThat(other.exit()).as(other.out()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(other.out()).contains("high      sshd").contains("unexpected-open")
        .contains("22/tcp is not in --expect-open (443/tcp)")
        .contains("Expected open (--expect-open) but reachable from nowhere outside: 443/tcp");

    CliRun listed = CliRun.of("audit", "--from", snap, "--expect-open", "22/tcp", "--expect-open", "443/tcp");
    assertThat(listed.exit()).as(listed.out()).isEqualTo(ExitCodes.CLEAN);
    assertThat(listed.out()).contains("anywhere (expected)").doesNotContain("unexpected-open");
  }

  @Test
  void jsonCarriesTheHostListenersAndTheExpectedPortsNothingAnswers() throws Exception {
    CliRun r = CliRun.of("audit", "--from", fixture().toString(), "--format", "json", "--expect-open", "22/tcp,443/tcp");

    assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
    JsonNode report = Json.mapper().readTree(r.out());
    JsonNode mysql = null;
    for (JsonNode l : report.get("hostListeners")) {
      if (l.get("port").asInt() == 3306) {
        mysql = l;
      }
    }
    assertThat(mysql).as(r.out()).isNotNull();
    assertThat(mysql.get("process").asString()).isEqualTo("mysqld");
    assertThat(mysql.get("address").asString()).isEqualTo("0.0.0.0");
    assertThat(mysql.get("reachableFrom").toString()).isEqualTo("[\"0.0.0.0/0\"]");
    assertThat(mysql.get("expected").asBoolean()).isFalse();
    assertThat(mysql.get("findings").toString()).contains("\"critical\"").contains("unexpected-open");
    assertThat(report.get("expectedNotReachable").toString()).isEqualTo("[\"443/tcp\"]");
  }

  @Test
  void aPortOutOfRangeIsOneLineOfBadInput() throws Exception {
    CliRun r = CliRun.of("audit", "--from", fixture().toString(), "--expect-open", "99999");

    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip()).doesNotContain("\n").startsWith("breakwater: --expect-open 99999: expected PORT[/tcp|/udp]")
        .contains("found '99999'");
  }

  @Test
  void thePolicyFilesExpectOpenIsMergedWithTheOption(@TempDir Path dir) throws Exception {
    Path snapDir = Files.createDirectories(dir.resolve("snap"));
    String snap = sshOnly(snapDir);
    Path other = Files.writeString(dir.resolve("other.yml"), "default: deny\nexpect-open: [443/tcp]\n");
    Path ssh = Files.writeString(dir.resolve("ssh.yml"), "expect-open:\n  - 22/tcp\n  - 443\n");

    CliRun fileOnly = CliRun.of("audit", "--from", snap, "--policy", other.toString());
    assertThat(fileOnly.exit()).as(fileOnly.out()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(fileOnly.out()).contains("22/tcp is not in --expect-open (443/tcp)");

    CliRun listedInFile = CliRun.of("audit", "--from", snap, "--policy", ssh.toString());
    assertThat(listedInFile.exit()).as(listedInFile.out()).isEqualTo(ExitCodes.CLEAN);
    assertThat(listedInFile.out()).contains("anywhere (expected)").doesNotContain("unexpected-open");

    CliRun merged = CliRun.of("audit", "--from", snap, "--policy", other.toString(), "--expect-open", "22/tcp");
    assertThat(merged.exit()).as("22 from the option, 443 from the file: " + merged.out()).isEqualTo(ExitCodes.CLEAN);
    assertThat(merged.out()).contains("reachable from nowhere outside: 443/tcp");
  }

  @Test
  void aBadPortInThePolicyFileIsOneLineWithItsPosition(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("p.yml"), "default: deny\nexpect-open: [22/tcp, 22/icmp]\n");
    CliRun r = CliRun.of("audit", "--from", fixture().toString(), "--policy", bad.toString());

    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip()).isEqualTo("breakwater: " + bad + ":2:23: expected PORT[/tcp|/udp] with PORT in 1..65535,"
        + " such as 22/tcp or 443, found '22/icmp'");

    Path none = Files.writeString(dir.resolve("none.yml"), "default: deny\n");
    CliRun without = CliRun.of("audit", "--from", fixture().toString(), "--policy", none.toString());
    assertThat(without.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(without.err()).contains("expected an 'expect-open:' list in the policy");
  }

  @Test
  void helpTeachesWithAnExample() {
    CliRun r = CliRun.of("audit", "--help");

    assertThat(r.out()).contains("--expect-open").contains("22/tcp,80/tcp,443").contains("unexpected-open");
  }
}
