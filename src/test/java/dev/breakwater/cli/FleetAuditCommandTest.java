package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.snapshot.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code audit --from FLEET}: a temporary fleet of corpus copies, one of them broken. */
class FleetAuditCommandTest {
  private static final String BROKEN_RULESET = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j\nCOMMIT\n";

  @TempDir Path fleet;

  @BeforeEach
  void aFleetOfFiveGoodSnapshotsAndOneBroken() throws IOException {
    copy("docker-28-ufw-bypass", fleet.resolve("db-28"));
    copy("docker-20.10-ufw-bypass", fleet.resolve("shop-db"));
    copy("input-only-belief", fleet.resolve("pg"));
    copy("docker-user-fixed", fleet.resolve("fixed"));
    copy("host-network-container", fleet.resolve("mon"));
    Path broken = copy("docker-28-ufw-bypass", fleet.resolve("broken"));
    Files.writeString(broken.resolve("iptables-save.txt"), BROKEN_RULESET);
    Files.writeString(broken.resolve("hostname"), "broken-01\n");
    // Not a snapshot: no file of the contract in it.
    Files.createDirectories(fleet.resolve("notes"));
    Files.writeString(fleet.resolve("notes/README"), "collected 2025-01-01\n");
  }

  private static Path copy(String scenario, Path to) throws IOException {
    return copyDir(Corpus.dir(scenario), to);
  }

  @Test
  void theTextGroupsWhatHostsShareAndNamesTheBrokenSnapshot() {
    CliRun r = CliRun.of("audit", "--from", fleet.toString());

    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.out())
        .startsWith("Fleet of 6 hosts: 5 audited, 1 bad input, worst: CRITICAL\n")
        .contains("critical  3306/tcp of mysql reachable from anywhere on 2 of 5 hosts: ")
        .containsPattern("broken-01: \\S*broken/iptables-save.txt:3")
        .containsPattern("(?m)^  critical  db-28 ")
        .containsPattern("(?m)^  info +mon-01 +0 +0 +- +- ")
        .doesNotContain("notes");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("1 of 6 snapshots is bad input").doesNotContain("Exception");
  }

  @Test
  void theJsonHasOneEntryPerHostAndEachAuditIsTheOneHostContract() {
    CliRun r = CliRun.of("audit", "--from", fleet.toString(), "--format", "json");
    JsonNode json = Json.mapper().readTree(r.out());

    assertThat(names(json)).containsExactly("hostCount", "audited", "badInput", "worst", "shared", "sharedListeners", "hosts");
    assertThat(json.get("hostCount").asInt()).isEqualTo(6);
    assertThat(json.get("audited").asInt()).isEqualTo(5);
    assertThat(json.get("badInput").asInt()).isEqualTo(1);
    assertThat(json.get("worst").asString()).isEqualTo("critical");
    JsonNode broken = json.get("hosts").get(0);
    assertThat(broken.get("host").asString()).isEqualTo("broken-01");
    assertThat(broken.get("status").asString()).isEqualTo("bad-input");
    assertThat(broken.get("error").asString()).contains("iptables-save.txt:3");
    assertThat(broken.get("report").isNull()).isTrue();
    JsonNode mysql = json.get("shared").get(0);
    assertThat(mysql.get("hostPort").asInt()).isEqualTo(3306);
    assertThat(mysql.get("service").asString()).isEqualTo("mysql");
    assertThat(mysql.get("reach").asString()).isEqualTo("anywhere");
    assertThat(mysql.get("of").asInt()).isEqualTo(5);
    assertThat(mysql.get("hosts").toString()).contains("db-28", "shop-db-01");

    // Every audited host's record is exactly what a one-host audit of its snapshot prints.
    int audited = 0;
    for (JsonNode host : json.get("hosts")) {
      if (host.get("status").asString().equals("audited")) {
        CliRun single = CliRun.of("audit", "--from", host.get("snapshot").asString(), "--format", "json");
        assertThat(host.get("report")).isEqualTo(Json.mapper().readTree(single.out()));
        assertThat(host.get("worst").asString()).isNotBlank();
        audited++;
      }
    }
    assertThat(audited).isEqualTo(5);
  }

  @Test
  void oneSnapshotKeepsTheOneHostJson() {
    CliRun r = CliRun.of("audit", "--from", fleet.resolve("db-28").toString(), "--format", "json");

    assertThat(names(Json.mapper().readTree(r.out())))
        .containsExactly("host", "exposures", "notes", "hostFindings", "hostListeners", "expectedNotReachable");
  }

  @Test
  void repeatedFromIsAFleetOfHostsAndFleets() {
    CliRun two = CliRun.of("audit", "--from", fleet.resolve("mon").toString(), "--from", fleet.resolve("pg").toString(),
        "--format", "json");
    CliRun mixed = CliRun.of("audit", "--from", fleet.toString(), "--from", Corpus.arg("ufw-route-rules"),
        "--from", fleet.resolve("pg").toString(), "--format", "json");

    assertThat(Json.mapper().readTree(two.out()).get("hostCount").asInt()).isEqualTo(2);
    assertThat(two.exit()).isEqualTo(ExitCodes.FINDINGS);
    // pg is in the fleet already: counted once.
    assertThat(Json.mapper().readTree(mixed.out()).get("hostCount").asInt()).isEqualTo(7);
  }

  @Test
  void exitCodesFollowTheWorstHostAndABrokenOneIsNeverClean(@TempDir Path other) throws IOException {
    copy("host-network-container", other.resolve("mon"));
    copy("lab-docker-user-fix", other.resolve("fixed"));
    assertThat(CliRun.of("audit", "--from", other.toString()).exit()).isEqualTo(ExitCodes.CLEAN);
    assertThat(CliRun.of("audit", "--from", other.toString(), "--fail-on", "low").exit()).isEqualTo(ExitCodes.FINDINGS);

    Path broken = copy("docker-28-ufw-bypass", other.resolve("broken"));
    Files.delete(broken.resolve("ip-addr.json"));
    CliRun withBroken = CliRun.of("audit", "--from", other.toString(), "--fail-on", "critical");
    assertThat(withBroken.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(withBroken.out()).contains("db-28: ").contains("missing ip-addr.json");
  }

  @Test
  void failOnAppliesToTheWorstFindingOfAnyHost(@TempDir Path other) throws IOException {
    copy("docker-user-fixed", other.resolve("fixed"));
    copy("docker-user-dport-mistake", other.resolve("mistake"));
    assertThat(CliRun.of("audit", "--from", other.toString(), "--fail-on", "critical").exit()).isEqualTo(ExitCodes.CLEAN);
    assertThat(CliRun.of("audit", "--from", other.toString(), "--fail-on", "high").exit()).isEqualTo(ExitCodes.FINDINGS);
  }

  @Test
  void onlyAFleetOfBadInputIsBadInput(@TempDir Path other) throws IOException {
    Path a = copy("docker-28-ufw-bypass", other.resolve("a"));
    Files.writeString(a.resolve("iptables-save.txt"), BROKEN_RULESET);
    Path b = Files.createDirectories(other.resolve("b"));
    Files.writeString(b.resolve("docker-inspect.json"), "[]");

    CliRun r = CliRun.of("audit", "--from", other.toString(), "--format", "json");

    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    JsonNode json = Json.mapper().readTree(r.out());
    assertThat(json.get("badInput").asInt()).isEqualTo(2);
    // b has no hostname file and no iptables-save.txt: named by its directory, and said so.
    assertThat(json.get("hosts").toString()).contains("\"host\":\"b\"").contains("missing iptables-save.txt");
    assertThat(r.err()).contains("2 of 2 snapshots are bad input").doesNotContain("Exception");
  }

  @Test
  void aFleetShowsEachHostsOwnSocketsThatStrangersReach(@TempDir Path other) throws IOException {
    Path listeners = Path.of("src/test/resources/listeners/host-listeners");
    copyDir(listeners, other.resolve("edge"));
    // Host B: UFW allows 2375 instead of 3306, so the Docker API on every address answers strangers.
    Path b = copyDir(listeners, other.resolve("b"));
    Files.writeString(b.resolve("hostname"), "docker-b\n");
    Path rules = b.resolve("iptables-save.txt");
    Files.writeString(rules, Files.readString(rules).replace("-A ufw-user-input -p tcp -m tcp --dport 3306 -j ACCEPT",
        "-A ufw-user-input -p tcp -m tcp --dport 2375 -j ACCEPT"));
    copy("docker-user-fixed", other.resolve("fixed"));

    CliRun text = CliRun.of("audit", "--from", other.toString());
    JsonNode json = Json.mapper().readTree(CliRun.of("audit", "--from", other.toString(), "--format", "json").out());

    assertThat(text.exit()).as(text.err()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(text.out())
        .contains("Host listeners across the fleet (ss -Htulnp, not in containers), worst first:\n")
        .contains("critical  2375/tcp of dockerd reachable from anywhere on 1 of 3 hosts: docker-b\n")
        .contains("critical  3306/tcp of mysqld reachable from anywhere on 1 of 3 hosts: edge-v6\n")
        .containsPattern("(?m)^  critical  docker-b +\\d+ +\\d+ +\\d+/7 +.*exposed-docker-api");
    JsonNode api = json.get("sharedListeners").get(0);
    assertThat(api.get("hostPort").asInt()).isEqualTo(2375);
    assertThat(api.get("service").asString()).isEqualTo("dockerd");
    assertThat(api.get("hosts").toString()).isEqualTo("[\"docker-b\"]");
    // The one-host audit of B says the same of its socket: the fleet reads the same report.
    assertThat(CliRun.of("audit", "--from", b.toString()).out()).containsPattern("(?m)^critical +dockerd +\\*:2375/tcp +anywhere");
  }

  private static Path copyDir(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.propertyNames().forEach(names::add);
    return names;
  }
}
