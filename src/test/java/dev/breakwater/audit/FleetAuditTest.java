package dev.breakwater.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.catalog.Severity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fleet's grouping and ordering, on hand-made audits (the engine is not involved). */
class FleetAuditTest {
  private static final ExposureFinding STORE = new ExposureFinding("exposed-data-store", Severity.CRITICAL, "m", "f");
  private static final ExposureFinding BYPASS = new ExposureFinding("ufw-bypass", Severity.HIGH, "m", "f");
  private static final ExposureFinding BOUND = new ExposureFinding("bound-all-interfaces", Severity.LOW, "m", "f");
  private static final ExposureFinding QUIET = new ExposureFinding("bound-all-interfaces", Severity.INFO, "m", "f");

  private static Exposure exposure(String image, String hostIp, int port, List<String> from, ExposureFinding... findings) {
    return new Exposure("c-" + port, image, "", "", hostIp, port, "tcp", port, from, List.of(),
        true, "deny", "", List.of(), List.of(findings));
  }

  private static Exposure mysqlAnywhere() {
    return exposure("mysql:8.0", "0.0.0.0", 3306, List.of("0.0.0.0/0"), STORE, BYPASS, BOUND);
  }

  private static FleetHost host(String name, Exposure... exposures) {
    return FleetHost.audited("/fleet/" + name, new AuditReport(name, List.of(exposures), List.of()));
  }

  @Test
  void theSameExposureOnManyHostsIsOneGroupCountingEachHostOnce() {
    Exposure v6 = exposure("docker.io/library/mysql:8.4", "::", 3306, List.of("::/0"), STORE, BYPASS);
    FleetReport fleet = FleetAudit.of(List.of(
        host("db-1", mysqlAnywhere(), v6),
        host("db-2", mysqlAnywhere()),
        host("web-1", exposure("nginx:1.27", "0.0.0.0", 80, List.of("0.0.0.0/0"), BYPASS))));

    SharedExposure mysql = fleet.shared().get(0);
    assertThat(mysql.sentence()).isEqualTo("3306/tcp of mysql reachable from anywhere on 2 of 3 hosts");
    assertThat(mysql.hosts()).containsExactly("db-1", "db-2");
    assertThat(mysql.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(mysql.findings()).containsExactly("exposed-data-store", "ufw-bypass", "bound-all-interfaces");
    assertThat(fleet.shared()).hasSize(2);
    assertThat(fleet.shared().get(1).sentence()).isEqualTo("80/tcp of nginx reachable from anywhere on 1 of 3 hosts");
  }

  @Test
  void otherSourcesOtherPortsAndOtherServicesAreOtherGroups() {
    FleetReport fleet = FleetAudit.of(List.of(
        host("a", mysqlAnywhere()),
        host("b", exposure("mysql:8.0", "0.0.0.0", 3306, List.of("198.51.100.0/24"), BYPASS)),
        host("c", exposure("mysql:8.0", "0.0.0.0", 3307, List.of("0.0.0.0/0"), STORE)),
        host("d", exposure("mariadb:11", "0.0.0.0", 3306, List.of("0.0.0.0/0"), STORE))));

    assertThat(fleet.shared()).extracting(SharedExposure::sentence).containsExactlyInAnyOrder(
        "3306/tcp of mysql reachable from anywhere on 1 of 4 hosts",
        "3306/tcp of mysql reachable from 198.51.100.0/24 on 1 of 4 hosts",
        "3307/tcp of mysql reachable from anywhere on 1 of 4 hosts",
        "3306/tcp of mariadb reachable from anywhere on 1 of 4 hosts");
  }

  @Test
  void aLongAllowListIsShortenedInTheSentenceButKeptWholeAsTheKey() {
    List<String> from = List.of("198.51.100.0/28", "198.51.100.16/28", "198.51.100.32/28", "198.51.100.48/28");
    FleetReport fleet = FleetAudit.of(List.of(host("a", exposure("mysql:8", "0.0.0.0", 3306, from, BYPASS))));

    assertThat(fleet.shared().get(0).reach()).isEqualTo(String.join(", ", from));
    assertThat(fleet.shared().get(0).sentence())
        .isEqualTo("3306/tcp of mysql reachable from 198.51.100.0/28, 198.51.100.16/28 +2 more on 1 of 1 host");
  }

  @Test
  void possiblyReachableIsItsOwnGroupAndSaysSo() {
    Exposure possibly = new Exposure("c", "redis:7", "", "", "0.0.0.0", 6379, "tcp", 6379, List.of(), List.of("0.0.0.0/0"),
        false, "none", "", List.of(), List.of(new ExposureFinding("possibly-reachable", Severity.HIGH, "m", "f")));
    FleetReport fleet = FleetAudit.of(List.of(host("a", possibly)));

    assertThat(fleet.shared().get(0).sentence()).isEqualTo("6379/tcp of redis possibly reachable from anywhere on 1 of 1 host");
  }

  @Test
  void exposuresWithNothingAboveInfoAreNotGrouped() {
    FleetReport fleet = FleetAudit.of(List.of(host("a", exposure("nginx:1", "0.0.0.0", 80, List.of(), QUIET))));

    assertThat(fleet.shared()).isEmpty();
    assertThat(fleet.worst()).isEqualTo(Severity.INFO);
  }

  @Test
  void sharedExposuresAreWorstFirstThenOnMostHosts() {
    Exposure web = exposure("nginx:1", "0.0.0.0", 80, List.of("0.0.0.0/0"), BYPASS);
    Exposure api = exposure("app:1", "0.0.0.0", 8080, List.of("0.0.0.0/0"), BYPASS);
    FleetReport fleet = FleetAudit.of(List.of(
        host("a", web, api), host("b", web, api), host("c", api), host("d", mysqlAnywhere())));

    assertThat(fleet.shared()).extracting(SharedExposure::hostPort).containsExactly(3306, 8080, 80);
  }

  @Test
  void hostsAreBadInputFirstThenWorstFirstThenByName() {
    FleetReport fleet = FleetAudit.of(List.of(
        host("quiet", exposure("nginx:1", "0.0.0.0", 80, List.of(), QUIET)),
        host("web", exposure("nginx:1", "0.0.0.0", 80, List.of("0.0.0.0/0"), BYPASS)),
        host("db-b", mysqlAnywhere()),
        FleetHost.badInput("broken", "/fleet/broken", "/fleet/broken: missing ip-addr.json"),
        host("db-a", mysqlAnywhere()),
        host("empty")));

    assertThat(fleet.hosts()).extracting(FleetHost::host).containsExactly("broken", "db-a", "db-b", "web", "empty", "quiet");
    assertThat(fleet.hosts().get(0).status()).isEqualTo(FleetHost.BAD_INPUT);
    assertThat(fleet.hosts().get(0).worst()).isNull();
    assertThat(fleet.hosts().get(1).worst()).isEqualTo("critical");
    assertThat(fleet.hostCount()).isEqualTo(6);
    assertThat(fleet.audited()).isEqualTo(5);
    assertThat(fleet.badInput()).isEqualTo(1);
    // The denominator counts the hosts that were audited: of the broken one nothing is known.
    assertThat(fleet.shared().get(0).sentence()).endsWith("on 2 of 5 hosts");
  }

  @Test
  void moreFindingsBreakATieOfTheWorstSeverity() {
    Exposure web = exposure("nginx:1", "0.0.0.0", 80, List.of("0.0.0.0/0"), BYPASS);
    Exposure api = exposure("app:1", "0.0.0.0", 8080, List.of("0.0.0.0/0"), BYPASS, BOUND);
    FleetReport fleet = FleetAudit.of(List.of(host("a", web), host("b", web, api)));

    assertThat(fleet.hosts()).extracting(FleetHost::host).containsExactly("b", "a");
  }

  @Test
  void theOrderOfTheInputDoesNotChangeTheReport() {
    List<FleetHost> hosts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      hosts.add(i % 3 == 0 ? host("h" + i, mysqlAnywhere())
          : host("h" + i, exposure("nginx:1", "0.0.0.0", 80 + i % 4, List.of("0.0.0.0/0"), BYPASS)));
    }
    hosts.add(FleetHost.badInput("x", "/fleet/x", "bad"));
    FleetReport once = FleetAudit.of(hosts);
    for (long seed = 1; seed <= 5; seed++) {
      List<FleetHost> shuffled = new ArrayList<>(hosts);
      Collections.shuffle(shuffled, new Random(seed));
      assertThat(FleetAudit.of(shuffled)).isEqualTo(once);
    }
  }

  @Test
  void aBadSnapshotFailsTheRunAndOnlyAllBadIsBadInput() {
    FleetHost clean = host("quiet", exposure("nginx:1", "0.0.0.0", 80, List.of(), QUIET));
    FleetHost broken = FleetHost.badInput("broken", "/fleet/broken", "bad");

    assertThat(FleetAudit.of(List.of(clean)).failsAt(Severity.LOW)).isFalse();
    assertThat(FleetAudit.of(List.of(clean, broken)).failsAt(Severity.CRITICAL)).isTrue();
    assertThat(FleetAudit.of(List.of(clean, broken)).allBadInput()).isFalse();
    assertThat(FleetAudit.of(List.of(broken)).allBadInput()).isTrue();
    assertThat(FleetAudit.of(List.of(host("db", mysqlAnywhere()))).failsAt(Severity.CRITICAL)).isTrue();
    assertThat(FleetAudit.of(List.of(host("web", exposure("nginx:1", "0.0.0.0", 80, List.of("0.0.0.0/0"), BYPASS))))
        .failsAt(Severity.CRITICAL)).isFalse();
  }

  @Test
  void theServiceIsTheImageWithoutRegistryDefaultsTagOrDigest() {
    assertThat(FleetAudit.service("mysql:8.0")).isEqualTo("mysql");
    assertThat(FleetAudit.service("docker.io/library/mysql:8.0")).isEqualTo("mysql");
    assertThat(FleetAudit.service("library/redis")).isEqualTo("redis");
    assertThat(FleetAudit.service("bitnami/redis:7.2@sha256:abc")).isEqualTo("bitnami/redis");
    assertThat(FleetAudit.service("registry.example:5000/team/api:1")).isEqualTo("registry.example:5000/team/api");
    assertThat(FleetAudit.service("registry.example:5000/team/api")).isEqualTo("registry.example:5000/team/api");
  }

  @Test
  void theTextNamesTheGroupTheBrokenHostAndEveryHost() {
    FleetReport fleet = FleetAudit.of(List.of(
        host("db-1", mysqlAnywhere()),
        FleetHost.audited("/fleet/db-1-copy", new AuditReport("db-1", List.of(mysqlAnywhere()), List.of())),
        host("db-2", mysqlAnywhere()),
        FleetHost.badInput("broken", "/fleet/broken", "/fleet/broken/iptables-save.txt:3: expected a target")));

    String text = FleetText.render(fleet);

    assertThat(text)
        .startsWith("Fleet of 4 hosts: 3 audited, 1 bad input, worst: CRITICAL\n")
        .contains("critical  3306/tcp of mysql reachable from anywhere on 3 of 3 hosts: db-1 (x2), db-2\n")
        .contains("  broken: /fleet/broken/iptables-save.txt:3: expected a target\n")
        .containsPattern("(?m)^  critical  db-1 +1 +1 +- +exposed-data-store, ufw-bypass, bound-all-interfaces +/fleet/db-1$");
  }

  private static ListenerExposure socket(String process, int port, List<String> from, ExposureFinding... findings) {
    return new ListenerExposure(process, List.of(1033), "*", "", port, "tcp", from, List.of(), true, false, "none",
        from.isEmpty() ? "" : "filter/INPUT #1 (line 12)", List.of(), List.of(findings));
  }

  private static FleetHost withSockets(String name, List<ListenerExposure> sockets, Exposure... exposures) {
    return FleetHost.audited("/fleet/" + name,
        new AuditReport(name, List.of(exposures), List.of(), List.of(), sockets, List.of()));
  }

  @Test
  void theHostsOwnSocketsAreGroupedByProcessAndShownInTheText() {
    ExposureFinding api = new ExposureFinding("exposed-docker-api", Severity.CRITICAL, "m", "f");
    ExposureFinding open = new ExposureFinding("host-port-open", Severity.LOW, "m", "f");
    ListenerExposure ssh = socket("sshd", 22, List.of("0.0.0.0/0", "::/0"), open);
    FleetReport fleet = FleetAudit.of(List.of(
        withSockets("host-a", List.of(ssh, socket("dockerd", 2375, List.of()))),
        withSockets("host-b", List.of(socket("dockerd", 2375, List.of("0.0.0.0/0"), api), ssh)),
        withSockets("host-c", List.of(socket("", 9100, List.of("0.0.0.0/0"), open)), mysqlAnywhere()),
        host("host-d")));

    assertThat(fleet.sharedListeners()).extracting(SharedExposure::sentence).containsExactly(
        "2375/tcp of dockerd reachable from anywhere on 1 of 4 hosts",
        "22/tcp of sshd reachable from anywhere on 2 of 4 hosts",
        "9100/tcp of ? reachable from anywhere on 1 of 4 hosts");
    assertThat(fleet.sharedListeners().getFirst().hosts()).containsExactly("host-b");
    assertThat(fleet.sharedListeners().getFirst().findings()).containsExactly("exposed-docker-api");
    // A socket nobody outside reaches, with no finding, is in no group: host-a's 2375 is not.
    assertThat(fleet.sharedListeners().getFirst().hosts()).doesNotContain("host-a");
    // Published ports stay in their own groups.
    assertThat(fleet.shared()).extracting(SharedExposure::hostPort).containsExactly(3306);
    // A socket's findings count for the host's order like a port's: host-b (critical, 2 findings)
    // comes after host-c (critical, 4) and before host-a (low).
    assertThat(fleet.hosts()).extracting(FleetHost::host).containsExactly("host-c", "host-b", "host-a", "host-d");

    String text = FleetText.render(fleet);

    assertThat(text)
        .contains("\nHost listeners across the fleet (ss -Htulnp, not in containers), worst first:\n"
            + "  critical  2375/tcp of dockerd reachable from anywhere on 1 of 4 hosts: host-b\n"
            + "            exposed-docker-api\n"
            + "  low       22/tcp of sshd reachable from anywhere on 2 of 4 hosts: host-b, host-a\n")
        .containsPattern("(?m)^  critical  host-b +0 +0 +2/2 +exposed-docker-api, host-port-open +/fleet/host-b$")
        .containsPattern("(?m)^  info +host-d +0 +0 +- +- +/fleet/host-d$");
    assertThat(text.indexOf("Across the fleet")).isLessThan(text.indexOf("Host listeners across the fleet"));
  }

  @Test
  void withoutASocketFindingTheTextHasNoListenerSection() {
    String text = FleetText.render(FleetAudit.of(List.of(host("db-1", mysqlAnywhere()))));

    assertThat(text).doesNotContain("Host listeners");
  }
}
