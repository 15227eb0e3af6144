package dev.breakwater.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.firewall.ApplyException;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyFile;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checker with a fake host, a fake clock and its real queue: what triggers what. */
class WatchLoopTest {
  static final Instant T0 = Instant.parse("2026-11-24T16:00:00Z");
  static final Duration INTERVAL = Duration.ofSeconds(30);
  static final Duration RETRY = Duration.ofSeconds(1);
  static final Policy POLICY = PolicyFile.parse("""
      interfaces: [eth0]
      default: deny
      labels: true
      allow:
        - port: 8080
          from: any
      """, "policy.yml");

  FakeClock clock;
  FakeHost host;
  List<String> lines;
  WatchMetrics metrics;
  TriggerQueue queue;
  WatchLoop loop;

  @BeforeEach
  void setUp() {
    clock = new FakeClock(T0);
    host = new FakeHost(clock);
    lines = new ArrayList<>();
    metrics = new WatchMetrics(new PrometheusRegistry());
    queue = new TriggerQueue();
    WatchLog log = new WatchLog(clock, lines::add);
    loop = new WatchLoop(new DriftCheck(POLICY, host, host, clock, log, metrics), queue, clock, INTERVAL, RETRY);
  }

  Trigger started(String container, Instant at) {
    return new Trigger.Docker(new WatchEvent(WatchEvent.Kind.CONTAINER_START, container, at));
  }

  @Test
  void startupPutsThePolicyInForceOnceAndSaysSoInOneLine() {
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    host.applyCost = Duration.ofMillis(42);

    assertThat(loop.start()).isEqualTo(DriftCheck.Result.CORRECTED);

    assertThat(host.reads).isEqualTo(1);
    assertThat(host.applies).hasSize(1);
    assertThat(host.chain).contains("-A BREAKWATER -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN");
    assertThat(lines).containsExactly("ts=2026-11-24T16:00:00.042Z event=drift-corrected chain=BREAKWATER family=ipv4 added="
        + host.chain.size() + " removed=0 jump=chain-created latency_ms=42 apply_ms=42 read_ms=0 cause=startup");
  }

  @Test
  void startupWithThePolicyAlreadyInForceAppliesNothingAndSaysSo() {
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    loop.start();
    WatchLoop second = new WatchLoop(new DriftCheck(POLICY, host, host, clock, new WatchLog(clock, lines::add), metrics), queue, clock, INTERVAL, RETRY);
    lines.clear();

    assertThat(second.start()).isEqualTo(DriftCheck.Result.IN_FORCE);

    assertThat(host.applies).hasSize(1);
    assertThat(lines).containsExactly("ts=2026-11-24T16:00:00Z event=in-force chain=BREAKWATER families=ipv4 ports=1 cause=startup");
  }

  @Test
  void aCheckWithNoDriftAppliesNothingAndLogsNothing() throws Exception {
    loop.start();
    lines.clear();
    queue.offer(new Trigger.Docker(new WatchEvent(WatchEvent.Kind.CONTAINER_STOP, "old", T0)));

    assertThat(loop.step()).contains(DriftCheck.Result.IN_FORCE);

    assertThat(host.reads).as("no iptables-save for an event that changes nothing").isEqualTo(1);
    assertThat(host.containerReads).isEqualTo(1);
    assertThat(host.applies).hasSize(1);
    assertThat(lines).isEmpty();
    assertThat(metrics.checks("in-force")).isEqualTo(1);
  }

  @Test
  void aContainerStartTriggersExactlyOneCheckAndOneApplyNamingIt() throws Exception {
    loop.start();
    lines.clear();
    Instant eventTime = clock.instant();
    host.containers.add(FakeHost.container("db", 3306, Map.of("breakwater.allow", "198.51.100.66/32")));
    clock.advance(Duration.ofMillis(5)); // the event reaches watch 5 ms after dockerd stamped it
    queue.offer(started("db", eventTime));
    host.readCost = Duration.ofMillis(10);
    host.applyCost = Duration.ofMillis(22);

    assertThat(loop.step()).contains(DriftCheck.Result.CORRECTED);

    assertThat(host.reads + host.containerReads).isEqualTo(2);
    assertThat(host.applies).hasSize(2);
    assertThat(host.chain).contains("-A BREAKWATER -s 198.51.100.66/32 -p tcp -m conntrack --ctorigdstport 3306 --ctdir ORIGINAL -j RETURN");
    assertThat(lines).containsExactly("ts=2026-11-24T16:00:00.037Z event=drift-corrected chain=BREAKWATER family=ipv4 added=2 removed=0"
        + " latency_ms=37 apply_ms=32 read_ms=10 cause=container-start container=db");
    assertThat(queue.size()).isZero();
  }

  @Test
  void aContainersEndIsCheckedAgainOnceDockerdsListHasCaughtUp() throws Exception {
    host.containers.add(FakeHost.container("db", 3306, Map.of("breakwater.allow", "198.51.100.66/32")));
    loop.start();
    lines.clear();
    // dockerd says "die" while its list still shows the container running.
    queue.offer(new Trigger.Docker(new WatchEvent(WatchEvent.Kind.CONTAINER_DIE, "db", clock.instant())));
    assertThat(loop.step()).contains(DriftCheck.Result.IN_FORCE);
    host.containers.clear();

    clock.advance(WatchLoop.SETTLE.minusMillis(1));
    assertThat(loop.step()).as("not yet").isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(loop.step()).contains(DriftCheck.Result.CORRECTED);

    assertThat(lines).singleElement().asString().contains("added=0 removed=2", "cause=settle");
    clock.advance(WatchLoop.SETTLE);
    queue.wake(); // returns at once: a second settle check would run now
    assertThat(loop.step()).as("one settle check per end, then the interval").isEmpty();
    assertThat(host.reads + host.containerReads).isEqualTo(3);
  }

  @Test
  void aBurstOfEventsIsAnsweredByOneCheck() throws Exception {
    loop.start();
    lines.clear();
    for (int i = 0; i < 20; i++) {
      host.containers.add(FakeHost.container("svc" + i, 9000 + i, Map.of("breakwater.allow", "198.51.100.66/32")));
      queue.offer(started("svc" + i, clock.instant()));
    }

    assertThat(loop.step()).contains(DriftCheck.Result.CORRECTED);

    assertThat(host.reads + host.containerReads).isEqualTo(2);
    assertThat(host.applies).hasSize(2);
    assertThat(lines).hasSize(1);
    assertThat(lines.getFirst()).contains("added=40 ", "cause=container-start ", "events=20")
        .contains("container=svc0,svc1,svc2,");
    assertThat(metrics.driftCorrections()).isEqualTo(2);
  }

  @Test
  void aFlushedChainIsPutBackAtTheNextPeriodicCheck() throws Exception {
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    loop.start();
    int rules = host.chain.size();
    lines.clear();
    host.flush();

    clock.advance(INTERVAL.minusMillis(1));
    assertThat(loop.step()).as("not due yet").isEmpty();
    assertThat(host.reads).isEqualTo(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(loop.step()).contains(DriftCheck.Result.CORRECTED);

    assertThat(host.chain).hasSize(rules);
    assertThat(lines).singleElement().asString()
        .contains("event=drift-corrected", "added=" + rules + " removed=0", "latency_ms=0", "cause=interval")
        .doesNotContain("jump=");
  }

  @Test
  void anEventAfterAHandEditRestoresTheWholeChainWithItsChange() throws Exception {
    loop.start();
    lines.clear();
    host.flush(); // not seen by an event check's compile, but the apply reads the live chain
    host.containers.add(FakeHost.container("db", 3306, Map.of("breakwater.allow", "198.51.100.66/32")));
    queue.offer(started("db", clock.instant()));

    assertThat(loop.step()).contains(DriftCheck.Result.CORRECTED);

    assertThat(host.chain).hasSize(host.applies.getLast().rules(dev.breakwater.net.IpFamily.V4).size());
    assertThat(lines).singleElement().asString().contains("added=" + host.chain.size() + " removed=0", "cause=container-start");
  }

  @Test
  void aMissingJumpIsReinsertedAndNamedInTheLine() throws Exception {
    loop.start();
    lines.clear();
    host.jumpFirst = false; // dockerd rebuilt DOCKER-USER without our jump

    queue.offer(new Trigger.Reconnected(clock.instant()));
    assertThat(loop.step()).contains(DriftCheck.Result.CORRECTED);

    assertThat(host.jumpFirst).isTrue();
    assertThat(lines).singleElement().asString().contains("added=0 removed=0 jump=inserted", "cause=docker-reconnected");
  }

  @Test
  void dockerUserGoneAfterThePolicyWasInForceIsAFailedCheckUntilDockerCreatesItAgain() throws Exception {
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    loop.start();
    lines.clear();
    host.flushEveryChain(); // firewall-cmd --reload: nothing to compile for IPv4, which is not "in force"

    clock.advance(INTERVAL);
    assertThat(loop.step()).contains(DriftCheck.Result.FAILED);
    clock.advance(RETRY);
    assertThat(loop.step()).as("retried a second later, still gone").contains(DriftCheck.Result.FAILED);
    assertThat(host.applies).as("nothing to apply into").hasSize(1);
    assertThat(lines).filteredOn(l -> l.contains("event=check-failed")).singleElement().asString()
        .contains("IPv4: DOCKER-USER is gone", "cannot be put back until Docker creates DOCKER-USER again (restart docker)", "cause=interval");
    assertThat(metrics.checks("failed")).isEqualTo(2);
    assertThat(lines).as("the compiler's no-DOCKER-USER note would repeat the failure's cause").noneMatch(l -> l.contains("event=policy-note"));

    host.dockerUserExists = true; // dockerd created its chains again
    clock.advance(RETRY);
    assertThat(loop.step()).contains(DriftCheck.Result.CORRECTED);
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("event=check-recovered cause=retry"))
        .anySatisfy(l -> assertThat(l).contains("event=drift-corrected", "jump=chain-created", "cause=retry"));
    assertThat(host.chainExists && host.jumpFirst).isTrue();
  }

  @Test
  void aFailedApplyIsLoggedOnceRetriedSoonAndItsRecoverySaid() throws Exception {
    host.failApply = Optional.of(new ApplyException("iptables-save shows no DOCKER-USER chain"));

    assertThat(loop.start()).isEqualTo(DriftCheck.Result.FAILED);
    clock.advance(RETRY);
    assertThat(loop.step()).contains(DriftCheck.Result.FAILED);

    assertThat(host.applies).hasSize(2);
    assertThat(lines).singleElement().asString()
        .isEqualTo("ts=2026-11-24T16:00:00Z event=apply-failed error=\"iptables-save shows no DOCKER-USER chain\" cause=startup");

    host.failApply = Optional.empty();
    clock.advance(RETRY);
    assertThat(loop.step()).contains(DriftCheck.Result.CORRECTED);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).isEqualTo("ts=2026-11-24T16:00:02Z event=check-recovered cause=retry");
    assertThat(lines.get(2)).contains("event=drift-corrected", "cause=retry");
    assertThat(metrics.checks("failed")).isEqualTo(2);
    assertThat(lines).as("the compiler's no-DOCKER-USER note would repeat the failure's cause").noneMatch(l -> l.contains("event=policy-note"));
  }

  @Test
  void aContainerWithABadLabelStopsNothingButIsLoggedAndNotApplied() throws Exception {
    loop.start();
    List<String> before = List.copyOf(host.chain);
    lines.clear();
    host.containers.add(FakeHost.container("bad", 5432, Map.of("breakwater.allow", "10.1.2.3/8")));
    queue.offer(started("bad", clock.instant()));

    assertThat(loop.step()).contains(DriftCheck.Result.FAILED);

    assertThat(host.chain).isEqualTo(before);
    assertThat(host.applies).hasSize(1);
    assertThat(lines).singleElement().asString()
        .startsWith("ts=2026-11-24T16:00:00Z event=policy-error error=\"container bad: label breakwater.allow=10.1.2.3/8:")
        .endsWith(" cause=container-start container=bad");
  }

  @Test
  void theCompilersNotesAreLoggedOnceEachWhenTheyAppear() throws Exception {
    loop.start();
    lines.clear();
    host.containers.add(hostNetwork("monitor"));
    queue.offer(started("monitor", clock.instant()));
    loop.step();
    queue.offer(started("monitor", clock.instant()));
    loop.step();

    assertThat(lines).singleElement().asString()
        .startsWith("ts=2026-11-24T16:00:00Z event=policy-note note=\"container monitor uses the host network:");
  }

  static dev.breakwater.host.Container hostNetwork(String name) {
    var c = FakeHost.container(name, 9100, Map.of());
    return new dev.breakwater.host.Container(c.id(), c.name(), c.image(), c.labels(), "host", List.of(), List.of(), List.of(), List.of());
  }

  @Test
  void anUnreadableHostIsACheckFailureNotACrash() {
    host.failRead = Optional.of(new IllegalStateException("cannot talk to the Docker daemon"));

    assertThat(loop.start()).isEqualTo(DriftCheck.Result.FAILED);

    assertThat(host.applies).isEmpty();
    assertThat(lines).singleElement().asString().contains("event=check-failed", "error=\"cannot talk to the Docker daemon\"");
  }

  @Test
  void stopWakesAWaitingLoopWithoutACheck() throws Exception {
    loop.start();
    Thread stopper = Thread.ofPlatform().start(loop::stop);
    stopper.join();

    assertThat(loop.step()).isEmpty();
    assertThat(host.reads).isEqualTo(1);
  }

  @Test
  void metricsCountPortsByAllowScopeCorrectionsAndLastApply() throws Exception {
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    host.containers.add(FakeHost.container("db", 3306, Map.of("breakwater.allow", "198.51.100.66/32")));
    host.containers.add(FakeHost.container("cache", 6379, Map.of()));
    host.applyCost = Duration.ofMillis(250);

    loop.start();

    assertThat(metrics.publishedPorts(WatchMetrics.AllowScope.ANY)).isEqualTo(1);
    assertThat(metrics.publishedPorts(WatchMetrics.AllowScope.RESTRICTED)).isEqualTo(1);
    assertThat(metrics.publishedPorts(WatchMetrics.AllowScope.DENIED)).isEqualTo(1);
    assertThat(metrics.driftCorrections()).isEqualTo(1);
    assertThat(metrics.lastApplySeconds()).isEqualTo(T0.plusMillis(250).toEpochMilli() / 1000.0);
    assertThat(metrics.latencyCount()).isEqualTo(1);
    assertThat(metrics.latencySumSeconds()).isEqualTo(0.25);

    host.containers.removeIf(c -> c.name().equals("/cache"));
    queue.offer(new Trigger.Docker(new WatchEvent(WatchEvent.Kind.CONTAINER_DIE, "cache", clock.instant())));
    loop.step();

    assertThat(metrics.publishedPorts(WatchMetrics.AllowScope.DENIED)).isZero();
    assertThat(metrics.driftCorrections()).isEqualTo(2);
    assertThat(metrics.checks("corrected")).isEqualTo(2);
  }
}
