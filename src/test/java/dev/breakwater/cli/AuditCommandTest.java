package dev.breakwater.cli;

import dev.breakwater.snapshot.Corpus;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class AuditCommandTest {

  @Test
  void theClassicBypassIsCriticalAndFailsTheRun() {
    CliRun r = CliRun.of("audit", "--from", Corpus.arg("docker-28-ufw-bypass"));
    assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.out())
        .contains("critical  mysql")
        .contains("exposed-data-store")
        .contains("ufw-bypass")
        .containsPattern("UFW denies 3306/tcp but the port is reachable from anywhere")
        .contains("filter/DOCKER #2 (line 76)");
  }

  @Test
  void jsonNamesTheSourcesTheClaimAndTheDecidingRulePerPort() {
    CliRun r = CliRun.of("audit", "--from", Corpus.arg("docker-user-fixed"), "--format", "json");
    JsonNode report = Json.mapper().readTree(r.out());
    JsonNode mysql = null;
    for (JsonNode e : report.get("exposures")) {
      if (e.get("hostPort").asInt() == 3306 && e.get("hostIp").asString().equals("0.0.0.0")) {
        mysql = e;
      }
    }
    assertThat(mysql).as(r.out()).isNotNull();
    assertThat(mysql.get("reachableFrom").toString()).isEqualTo("[\"198.51.100.0/24\"]");
    assertThat(mysql.get("ufwClaim").asString()).isEqualTo("deny");
    assertThat(mysql.get("decidedBy").asString()).startsWith("filter/");
    assertThat(mysql.get("findings").toString()).contains("\"medium\"").doesNotContain("\"critical\"");
    assertThat(mysql.get("exact").asBoolean()).isTrue();
  }

  @Test
  void failOnCriticalIgnoresLesserFindings() {
    CliRun high = CliRun.of("audit", "--from", Corpus.arg("docker-user-dport-mistake"), "--fail-on", "high");
    CliRun critical = CliRun.of("audit", "--from", Corpus.arg("docker-user-dport-mistake"), "--fail-on", "critical");
    assertThat(high.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(critical.exit()).isEqualTo(ExitCodes.CLEAN);
  }

  @Test
  void aMissingSnapshotIsBadInputInOneLine(@TempDir Path dir) {
    CliRun r = CliRun.of("audit", "--from", dir.resolve("nope").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err().lines().count()).isEqualTo(1);
    assertThat(r.err()).doesNotContain("Exception");
  }

  @Test
  void aBrokenRulesetNamesFileAndLine(@TempDir Path dir) throws Exception {
    Path source = Path.of(Corpus.arg("docker-28-ufw-bypass"));
    try (var files = Files.list(source)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Files.writeString(dir.resolve("iptables-save.txt"), "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j\nCOMMIT\n");
    CliRun r = CliRun.of("audit", "--from", dir.toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("iptables-save.txt:3").doesNotContain("Exception");
  }

  @Test
  void anIpsetAllowListIsResolvedFromIpsetSaveAndPossiblyWithout(@TempDir Path dir) throws Exception {
    Path source = Path.of(Corpus.arg("docker-user-fixed"));
    try (var files = Files.list(source)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Path rules = dir.resolve("iptables-save.txt");
    Files.writeString(rules, Files.readString(rules).replace(
        "-A DOCKER-USER -s 198.51.100.0/24 -j RETURN", "-A DOCKER-USER -m set --match-set office src -j RETURN"));

    JsonNode unresolved = mysqlOverIpv4(CliRun.of("audit", "--from", dir.toString(), "--format", "json"));
    assertThat(unresolved.get("exact").asBoolean()).isFalse();
    // An unresolved set could hold any source.
    assertThat(unresolved.get("possiblyReachableFrom").toString()).isEqualTo("[\"0.0.0.0/0\"]");
    assertThat(unresolved.get("reachableFrom").toString()).isEqualTo("[]");

    Files.writeString(dir.resolve("ipset-save.txt"), """
        create office hash:net family inet hashsize 1024 maxelem 65536
        add office 198.51.100.0/25
        add office 198.51.100.200
        """);
    JsonNode resolved = mysqlOverIpv4(CliRun.of("audit", "--from", dir.toString(), "--format", "json"));
    assertThat(resolved.get("exact").asBoolean()).isTrue();
    assertThat(resolved.get("reachableFrom").toString()).isEqualTo("[\"198.51.100.0/25\",\"198.51.100.200/32\"]");
  }

  private static JsonNode mysqlOverIpv4(CliRun run) {
    for (JsonNode e : Json.mapper().readTree(run.out()).get("exposures")) {
      if (e.get("hostPort").asInt() == 3306 && e.get("hostIp").asString().equals("0.0.0.0")) {
        return e;
      }
    }
    throw new AssertionError("no 0.0.0.0:3306 exposure in " + run.out() + run.err());
  }
}
