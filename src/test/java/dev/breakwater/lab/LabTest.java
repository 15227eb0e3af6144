package dev.breakwater.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.docker.DockerClient;
import dev.breakwater.gather.LiveGatherer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real lab: namespaces, its own dockerd and UFW. Proves the classic bypass with a real
 * connection, checks the Docker client against the real daemon, and that down leaves nothing.
 */
@Tag("lab")
class LabTest {
  private static final Duration NC = Duration.ofSeconds(10);
  private static final List<String> LOG = new ArrayList<>();
  private static Lab lab;

  @BeforeAll
  static void up() {
    LabTools.require();
    lab = Lab.standard(LOG::add);
    lab.up(Scenario.seedIncident());
  }

  @AfterAll
  static void downLeavesNothing() throws IOException {
    if (lab == null) {
      return;
    }
    lab.down();
    assertThat(Path.of("/run/netns/" + Lab.HOST_NS)).doesNotExist();
    assertThat(Path.of("/run/netns/" + Lab.ATTACKER_NS)).doesNotExist();
    assertThat(Path.of("/run/breakwater-lab")).doesNotExist();
    // With the slash: other labs on this machine may live in /run/breakwater-lab-NAME.
    assertThat(processesMentioning("/run/breakwater-lab/")).isEmpty();
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain("/run/breakwater-lab/").doesNotContain("/run/breakwater-lab ");
  }

  @Test
  void ufwDeniesIncomingYetThePublishedDatabaseAnswersTheAttacker() {
    assertThat(lab.status().ufwStatus()).contains("Status: active").contains("deny (incoming)");
    CommandRunner.Result v4 = lab.fromAttacker(List.of("busybox", "nc", "-w", "2", Lab.HOST_ADDRESS, "3306"), NC);
    assertThat(v4.stdout()).as("%s", v4).contains("5.7.44-mysql-like");
    CommandRunner.Result v6 = lab.fromAttacker(List.of("busybox", "nc", "-w", "2", Lab.HOST_ADDRESS_V6, "3306"), NC);
    assertThat(v6.stdout()).as("%s", v6).contains("5.7.44-mysql-like");
  }

  @Test
  void theAttackerProbeConnectsFromEachOfItsAddresses() {
    List<AttackerProbe.Result> results = lab.probeEveryPublishedPort();
    assertThat(results).extracting(r -> r.probe().port()).containsOnly(3306, 6379, 8080);
    assertThat(results).extracting(r -> r.probe().source()).containsOnly(Lab.ATTACKER_ADDRESSES.toArray(String[]::new));
    assertThat(results).filteredOn(r -> r.probe().port() == 3306).hasSize(3)
        .allSatisfy(r -> assertThat(r.banner()).as("%s", r).isEqualTo("5.7.44-mysql-like"));
    assertThat(results).filteredOn(r -> r.probe().port() == 8080).hasSize(3).allMatch(AttackerProbe.Result::reached);
    assertThat(results).filteredOn(r -> r.probe().port() == 6379).hasSize(3)
        .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(AttackerProbe.Outcome.TIMED_OUT));
  }

  @Test
  void theLoopbackBoundCacheIsNotReachableFromOutsideButIsFromTheHost() {
    CommandRunner.Result outside = lab.fromAttacker(List.of("busybox", "nc", "-w", "2", Lab.HOST_ADDRESS, "6379"), NC);
    assertThat(outside.ok()).as("%s", outside).isFalse();
    assertThat(outside.stdout()).doesNotContain("redis-like");
    CommandRunner.Result inside = lab.onHost(List.of("busybox", "nc", "-w", "2", "127.0.0.1", "6379"), NC);
    assertThat(inside.stdout()).as("%s", inside).contains("redis-like");
  }

  @Test
  void aNeighbourOnTheLinkReachesTheLoopbackBoundCacheThroughDocker2010sDnat() {
    String version = lab.docker().version().path("Version").asString("");
    Assumptions.assumeTrue(Integer.parseInt(version.replaceFirst("\\..*", "")) < 28,
        "Docker " + version + " drops packets for 127.0.0.1 from outside in raw PREROUTING; this proves the older behaviour");
    AttackerProbe.Result neighbour = lab.probeLoopbackAsNeighbour(6379);
    assertThat(neighbour.banner()).as("%s", neighbour).isEqualTo("redis-like");
    // The attacker's own probes to the host's address are unchanged by its new route.
    assertThat(lab.probe(List.of(new AttackerProbe.Probe("198.51.100.67", Lab.HOST_ADDRESS, 3306))).getFirst().reached()).isTrue();
  }

  @Test
  void theClientNegotiatesListsAndInspectsOnTheRealDaemon() {
    DockerClient docker = lab.docker();
    assertThat(DockerClient.compareVersions(docker.apiVersion(), DockerClient.CLIENT_API_VERSION)).isLessThanOrEqualTo(0);
    assertThat(docker.apiVersion()).isEqualTo(minVersion(docker.version().path("ApiVersion").asString()));
    List<String> names = new ArrayList<>();
    docker.listContainers(false).forEach(c -> names.add(c.path("Names").get(0).asString()));
    assertThat(names).contains("/db", "/cache", "/web");
    JsonNode db = docker.inspect("db");
    assertThat(db.path("NetworkSettings").path("Ports").path("3306/tcp").get(0).path("HostPort").asString()).isEqualTo("3306");
    JsonNode cache = docker.inspect("cache");
    assertThat(cache.path("HostConfig").path("PortBindings").path("6379/tcp").get(0).path("HostIp").asString()).isEqualTo("127.0.0.1");
  }

  @Test
  void theEventStreamSeesAContainerStart() {
    DockerClient docker = lab.docker();
    try (DockerClient.EventStream events = docker.events(Map.of("type", List.of("container"), "event", List.of("start")))) {
      CommandRunner.Result started = lab.onHost(List.of("docker", "-H", "unix://" + lab.socket(), "run", "-d", "--name", "event-probe", Lab.IMAGE, "sleep", "60"), Duration.ofSeconds(30));
      assertThat(started.ok()).as("%s", started).isTrue();
      Optional<JsonNode> event = events.next(Duration.ofSeconds(20));
      assertThat(event).hasValueSatisfying(e -> {
        assertThat(e.path("Action").asString()).isEqualTo("start");
        assertThat(e.path("Actor").path("Attributes").path("name").asString()).isEqualTo("event-probe");
      });
    } finally {
      lab.onHost(List.of("docker", "-H", "unix://" + lab.socket(), "rm", "-f", "event-probe"), Duration.ofSeconds(30));
    }
  }

  @Test
  void theGathererWritesTheSnapshotContractFromInsideTheLab(@TempDir Path dir) throws IOException {
    LiveGatherer.Result result = lab.snapshot(dir);
    assertThat(result.files()).contains("iptables-save.txt", "ip6tables-save.txt", "docker-inspect.json", "ip-addr.json", "ip-route.json", "ufw-status.txt", "daemon.json", "hostname");
    JsonMapper json = JsonMapper.builder().build();
    JsonNode inspect = json.readTree(dir.resolve("docker-inspect.json").toFile());
    List<String> names = new ArrayList<>();
    inspect.forEach(c -> names.add(c.path("Name").asString()));
    assertThat(names).contains("/db", "/cache", "/web");
    assertThat(json.readTree(dir.resolve("ip-addr.json").toFile()).toString()).contains("198.51.100.1").doesNotContain("192.0.2.");
    assertThat(json.readTree(dir.resolve("ip-route.json").toFile()).toString()).contains("198.51.100.66");
    assertThat(dir.resolve("iptables-save.txt")).content().contains(":DOCKER-USER", ":ufw-user-input", "--dport 3306 -j DNAT");
    assertThat(dir.resolve("ufw-status.txt")).content().contains("Status: active");
    assertThat(dir.resolve("hostname")).hasContent(Lab.HOST_NS);
  }

  private static String minVersion(String daemon) {
    return DockerClient.compareVersions(daemon, DockerClient.CLIENT_API_VERSION) < 0 ? daemon : DockerClient.CLIENT_API_VERSION;
  }

  private static List<String> processesMentioning(String text) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' ');
          if (cmdline.contains(text)) {
            found.add(proc.getFileName() + " " + cmdline);
          }
        } catch (IOException gone) {
          // The process ended while we looked.
        }
      }
    }
    return found;
  }
}
