package dev.breakwater.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Counters;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.Target;
import dev.breakwater.reach.AttackerChoice;
import dev.breakwater.reach.PortReach;
import dev.breakwater.reach.ReachNote;
import dev.breakwater.reach.SourceClass;
import dev.breakwater.reach.Verdict;
import dev.breakwater.cli.Json;
import dev.breakwater.catalog.Severity;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AuditorTest {

  private static IPAddress ip(String s) {
    return new IPAddressString(s).getAddress();
  }

  private static Container container(String name, String image) {
    return new Container("id-" + name, name, image, Map.of("com.docker.compose.service", name),
        "bridge", List.of(), List.of(), List.of(), List.of());
  }

  private static PublishedPort port(String hostIp, int hostPort, int containerPort) {
    return new PublishedPort(ip(hostIp), hostPort, containerPort, Transport.TCP, Optional.of(ip("172.17.0.2")));
  }

  private static final Rule DOCKER_ACCEPT = new Rule(TableName.FILTER, "DOCKER", 1, 40,
      "-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 3306 -j ACCEPT",
      Counters.NONE, List.of(), new Target.Accept());

  private static final Rule RECENT = new Rule(TableName.FILTER, "DOCKER-USER", 1, 30,
      "-A DOCKER-USER -m recent --rcheck --seconds 60 -j DROP", Counters.NONE,
      List.of(new Match.Unknown("recent", "--rcheck --seconds 60")), new Target.Drop());

  private static PortReach reach(Container c, PublishedPort p, List<String> from, List<String> possibly, List<Rule> unknown) {
    IpFamily family = IpFamily.of(p.hostIp());
    List<SourceClass> classes = List.of(
        new SourceClass("eth0", family, from.stream().map(AuditorTest::ip).toList(), Verdict.REACHABLE,
            from.isEmpty() ? Optional.empty() : Optional.of(DOCKER_ACCEPT)),
        new SourceClass("eth0", family, possibly.stream().map(AuditorTest::ip).toList(),
            new Verdict.PossiblyReachable(unknown, List.of()), Optional.empty()));
    return new PortReach(c, p, classes, unknown, List.of());
  }

  @Test
  void aDataStoreThatUfwDeniesButEveryoneReachesIsCriticalAndNamesTheBypass() {
    Exposure e = Auditor.judge(reach(container("db", "mysql:8.0"), port("0.0.0.0", 3306, 3306),
        List.of("0.0.0.0/0"), List.of(), List.of()), "deny");

    assertThat(e.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(e.findings()).extracting(ExposureFinding::id)
        .containsExactly("exposed-data-store", "ufw-bypass", "bound-all-interfaces");
    assertThat(e.findings().get(1).message()).contains("UFW denies 3306/tcp").contains("anywhere (0.0.0.0/0)")
        .contains("filter/DOCKER #1 (line 40)");
    assertThat(e.findings().get(1).fix()).contains("--ctorigdstport 3306 --ctdir ORIGINAL");
  }

  @Test
  void aDataStoreOnlyReachableFromChosenSourcesIsMediumNotCritical() {
    Exposure e = Auditor.judge(reach(container("pg", "postgres:16"), port("0.0.0.0", 5432, 5432),
        List.of("198.51.100.0/24"), List.of(), List.of()), "allow");
    assertThat(e.findings()).extracting(ExposureFinding::id).containsExactly("exposed-data-store", "bound-all-interfaces");
    assertThat(e.severity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void aLoopbackBoundCacheThatNobodyReachesHasNoFindingAboveInfo() {
    Exposure e = Auditor.judge(reach(container("cache", "redis:7"), port("127.0.0.1", 6379, 6379),
        List.of(), List.of(), List.of()), "deny");
    assertThat(e.findings()).isEmpty();
    assertThat(e.severity()).isEqualTo(Severity.INFO);
    assertThat(e.reachableFrom()).isEmpty();
  }

  @Test
  void aPublicWebPortThatUfwAllowsIsOnlyLow() {
    Exposure e = Auditor.judge(reach(container("web", "nginx:1.27"), port("0.0.0.0", 443, 443),
        List.of("0.0.0.0/0"), List.of(), List.of()), "allow");
    assertThat(e.findings()).extracting(ExposureFinding::id).containsExactly("bound-all-interfaces");
    assertThat(e.severity()).isEqualTo(Severity.LOW);
  }

  @Test
  void aDockerUserNothingJumpsToIsNotWhereTheFixSendsTheRules() {
    PortReach wired = reach(container("app", "example/app"), port("0.0.0.0", 8080, 80), List.of("0.0.0.0/0"), List.of(),
        List.of());
    PortReach inert = new PortReach(wired.container(), wired.port(), wired.classes(), List.of(),
        List.of(new ReachNote.DockerUserNotJumped(IpFamily.V4, "iptables-save.txt", 9, 1)));

    String usual = fix(Auditor.judge(wired, "deny"), "ufw-bypass");
    String fix = fix(Auditor.judge(inert, "deny"), "ufw-bypass");

    assertThat(usual).contains("filter it in DOCKER-USER");
    assertThat(fix).doesNotContain("filter it in DOCKER-USER").contains("Restore '-I FORWARD -j DOCKER-USER'");
    Exposure e = Auditor.judge(inert, "deny");
    assertThat(e.notes()).anySatisfy(n -> assertThat(n).contains("not jumped to from FORWARD"));
    // The note decides nothing: the answer stays exact.
    assertThat(e.exact()).isTrue();
  }

  private static String fix(Exposure e, String id) {
    return e.findings().stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow().fix();
  }

  @Test
  void anUnknownRuleIsNeverCalledSafeAndIsNamed() {
    Exposure e = Auditor.judge(reach(container("app", "example/app"), port("0.0.0.0", 8080, 80),
        List.of(), List.of("0.0.0.0/0"), List.of(RECENT)), "none");
    assertThat(e.exact()).isFalse();
    assertThat(e.findings()).extracting(ExposureFinding::id).contains("possibly-reachable");
    assertThat(e.findings().get(0).message()).contains("filter/DOCKER-USER #1 (line 30)").contains("-m recent");
    assertThat(e.severity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void aPossiblyCausedByRunTimeStateSaysTheEnginesReasonNotUnmodelled() {
    String why = "the recent list DEFAULT is filled at run time, so whether this sender is on it cannot be known";
    PublishedPort p = port("0.0.0.0", 8080, 80);
    PortReach r = new PortReach(container("app", "example/app"), p, List.of(new SourceClass("eth0", IpFamily.V4,
        List.of(ip("0.0.0.0/0")), new Verdict.PossiblyReachable(List.of(RECENT), List.of(why)), Optional.empty())),
        List.of(RECENT), List.of());
    ExposureFinding f = Auditor.judge(r, "none").findings().stream().filter(x -> x.id().equals("possibly-reachable"))
        .findFirst().orElseThrow();

    assertThat(f.message()).contains("filter/DOCKER-USER #1 (line 30)").contains(why).doesNotContain("does not model");
    assertThat(f.fix()).contains("run time");
    // Without a reason from the engine, the rule is one it does not model.
    assertThat(Auditor.judge(reach(container("app", "example/app"), p, List.of(), List.of("0.0.0.0/0"), List.of(RECENT)),
        "none").findings().get(0).message()).contains("does not model exactly");
  }

  @Test
  void theDockerApiIsCriticalEvenFromOneNetwork() {
    Exposure e = Auditor.judge(reach(container("dind", "docker:dind"), port("0.0.0.0", 2375, 2375),
        List.of("198.51.100.7/32"), List.of(), List.of()), "none");
    assertThat(e.findings().get(0).id()).isEqualTo("exposed-docker-api");
    assertThat(e.severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void theReportIsSortedWorstFirstAndItsJsonKeepsTheContract() {
    AuditReport report = Auditor.audit("web-1", List.of(
            reach(container("web", "nginx"), port("0.0.0.0", 80, 80), List.of("0.0.0.0/0"), List.of(), List.of()),
            reach(container("cache", "redis"), port("127.0.0.1", 6379, 6379), List.of(), List.of(), List.of()),
            reach(container("db", "mysql"), port("0.0.0.0", 3306, 3306), List.of("0.0.0.0/0"), List.of(), List.of())),
        p -> p.hostPort() == 80 ? "allow" : "deny", List.of());

    assertThat(report.exposures()).extracting(Exposure::container).containsExactly("db", "web", "cache");
    assertThat(report.failsAt(Severity.HIGH)).isTrue();
    assertThat(report.failsAt(Severity.CRITICAL)).isTrue();

    JsonNode json = Json.mapper().readTree(Json.write(report));
    assertThat(json.get("host").asString()).isEqualTo("web-1");
    JsonNode db = json.get("exposures").get(0);
    for (String key : List.of("container", "image", "hostIp", "hostPort", "protocol", "containerPort",
        "reachableFrom", "exact", "ufwClaim", "findings")) {
      assertThat(db.has(key)).as(key).isTrue();
    }
    assertThat(db.get("reachableFrom").get(0).asString()).isEqualTo("0.0.0.0/0");
    assertThat(db.get("hostPort").asInt()).isEqualTo(3306);
    assertThat(db.get("ufwClaim").asString()).isEqualTo("deny");
    assertThat(db.get("findings").get(0).get("severity").asString()).isEqualTo("critical");
    assertThat(db.has("severity")).isFalse();

    String text = AuditText.render(report);
    assertThat(text.lines().toList()).element(0).asString().contains("3 published ports, 2 reachable from outside, worst: CRITICAL");
    assertThat(text).containsPattern("critical +db +0\\.0\\.0\\.0:3306/tcp +3306 +anywhere +deny +exposed-data-store, ufw-bypass");
    assertThat(text).contains("fix: Do not publish MySQL");
  }

  @Test
  void dataStoresAreRecognisedByImageRepositoryWhateverTheRegistryAndTag() {
    assertThat(dev.breakwater.catalog.DataStores.identify("docker.io/library/mariadb:11@sha256:abc", 3306))
        .map(dev.breakwater.catalog.DataStores.Kind::name).contains("MariaDB");
    assertThat(dev.breakwater.catalog.DataStores.identify("bitnami/redis:7.2", 6379))
        .map(dev.breakwater.catalog.DataStores.Kind::name).contains("Redis");
    assertThat(dev.breakwater.catalog.DataStores.identify("registry:5000/team/app:1", 9000)).isEmpty();
    assertThat(dev.breakwater.catalog.DataStores.identify("registry:5000/team/app:1", 5432))
        .map(dev.breakwater.catalog.DataStores.Kind::name).contains("PostgreSQL");
  }

  @Test
  void aClassThatNeedsASourcePortSaysSoInTheFindingAndTheNotes() {
    Container db = container("db", "mysql:8");
    PublishedPort p = port("0.0.0.0", 3306, 3306);
    SourceClass needsPort = new SourceClass("eth0", IpFamily.V4, List.of(ip("0.0.0.0/0")), Verdict.REACHABLE,
        Optional.of(DOCKER_ACCEPT), "filter/DOCKER #1 (line 40) ACCEPT",
        List.of(new AttackerChoice(List.of(dev.breakwater.net.PortRange.of(443)), List.of(), 0)));
    Exposure e = Auditor.judge(new PortReach(db, p, List.of(needsPort), List.of(), List.of()), "deny");

    assertThat(e.notes()).containsExactly("anywhere (0.0.0.0/0) on eth0 get through only from source port 443");
    assertThat(e.findings()).filteredOn(f -> f.id().equals("exposed-data-store")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("reachable from anywhere (0.0.0.0/0) only from source port 443 ("));
  }
}
