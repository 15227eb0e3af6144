package dev.breakwater.watch;


import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading events and surviving dockerd restarts, with a scripted daemon and a sleeper that does not sleep. */
class EventPumpTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final Instant T0 = Instant.parse("2026-11-24T16:00:00Z");

  final FakeClock clock = new FakeClock(T0);
  final List<String> lines = new ArrayList<>();
  final WatchLog log = new WatchLog(clock, lines::add);
  final TriggerQueue queue = new TriggerQueue();
  final List<Duration> sleeps = new ArrayList<>();
  final Sleeper sleeper = d -> {
    sleeps.add(d);
    clock.advance(d);
  };

  /** A daemon that answers each connection attempt with the next script: refused, or a stream. */
  final Deque<Object> attempts = new ArrayDeque<>();
  EventPump pump;

  static JsonNode event(String json) {
    return JSON.readTree(json);
  }

  static final String START_DB = """
      {"Type":"container","Action":"start","Actor":{"ID":"4f1c0000000000000000000000000000000000000000000000000000000000aa","Attributes":{"name":"db","image":"busybox"}},"timeNano":1795536000123000000}""";
  static final String EXEC = """
      {"Type":"container","Action":"exec_start: sh","Actor":{"ID":"4f1c","Attributes":{"name":"db"}},"timeNano":1795536000200000000}""";
  static final String CONNECT = """
      {"Type":"network","Action":"connect","Actor":{"ID":"9c","Attributes":{"container":"4f1c0000000000000000000000000000000000000000000000000000000000aa","name":"bridge","type":"bridge"}},"timeNano":1795536000100000000}""";

  /** A stream that gives its events, then breaks (or, with stop, stops the pump). */
  EventConnection stream(boolean stopAtEnd, Object... items) {
    Deque<Object> script = new ArrayDeque<>(List.of(items));
    return new EventConnection() {
      @Override
      public Optional<JsonNode> next(Duration wait) {
        Object item = script.poll();
        if (item == null) {
          if (stopAtEnd) {
            pump.stop();
            throw new IllegalStateException("closed by stop");
          }
          throw new IllegalStateException("the Docker event stream ended (dockerd stopped?)");
        }
        return item instanceof JsonNode node ? Optional.of(node) : Optional.empty();
      }

      @Override
      public void close() {}
    };
  }

  void runPump() {
    pump = new EventPump(() -> {
      Object next = attempts.poll();
      if (next instanceof EventConnection connection) {
        return connection;
      }
      throw new IllegalStateException("cannot talk to the Docker daemon at /run/docker.sock: Connection refused");
    }, queue, log, clock, sleeper);
    pump.run();
  }

  List<Trigger> drain() throws InterruptedException {
    return queue.await(Duration.ZERO);
  }

  @Test
  void eventsThatChangePortsBecomeTriggersAndOthersAreIgnored() throws Exception {
    attempts.add(stream(true, event(CONNECT), "quiet", event(EXEC), event(START_DB)));

    runPump();

    List<Trigger> triggers = drain();
    assertThat(triggers).extracting(Trigger::cause).containsExactly("network-connect", "container-start");
    assertThat(triggers).extracting(t -> ((Trigger.Docker) t).event().container()).containsExactly("4f1c00000000", "db");
    // Once a container event has named it, network events about it use the name.
    assertThat(DockerEvents.read(event(CONNECT), names())).hasValueSatisfying(e -> assertThat(e.container()).isEqualTo("4f1c00000000"));
    assertThat(triggers.get(1).at()).isEqualTo(Instant.parse("2026-11-24T16:00:00.123Z"));
    assertThat(lines).isEmpty();
    assertThat(sleeps).isEmpty();
  }

  @Test
  void networkEventsNameAContainerSeenBefore() throws Exception {
    attempts.add(stream(true, event(START_DB), event(CONNECT)));

    runPump();

    assertThat(drain()).extracting(t -> ((Trigger.Docker) t).event().container()).containsExactly("db", "db");
  }

  static ContainerNames names() {
    return new ContainerNames();
  }

  @Test
  void aDockerdRestartIsLoggedReconnectedWithBackoffAndReChecked() throws Exception {
    attempts.add(stream(false, event(START_DB)));
    attempts.add("refused");
    attempts.add("refused");
    attempts.add(stream(true, event(START_DB)));

    runPump();

    assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(lines).containsExactly(
        "ts=2026-11-24T16:00:00Z event=docker-disconnected error=\"the Docker event stream ended (dockerd stopped?)\" retry_in_ms=100",
        "ts=2026-11-24T16:00:00.100Z event=docker-connect-failed error=\"cannot talk to the Docker daemon at /run/docker.sock: Connection refused\" attempt=1 retry_in_ms=100",
        "ts=2026-11-24T16:00:00.200Z event=docker-connect-failed error=\"cannot talk to the Docker daemon at /run/docker.sock: Connection refused\" attempt=2 retry_in_ms=200",
        "ts=2026-11-24T16:00:00.400Z event=docker-reconnected attempts=2 down_ms=400");
    assertThat(drain()).extracting(Trigger::cause).containsExactly("container-start", "docker-reconnected", "container-start");
  }

  @Test
  void backoffDoublesUpToFiveSecondsAndALongOutageIsNotLoggedAtEveryAttempt() throws Exception {
    for (int i = 0; i < 30; i++) {
      attempts.add("refused");
    }
    attempts.add(stream(true));

    runPump();

    assertThat(sleeps).startsWith(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800),
        Duration.ofMillis(1600), Duration.ofMillis(3200), Duration.ofSeconds(5), Duration.ofSeconds(5));
    assertThat(sleeps).hasSize(30).allMatch(d -> d.compareTo(EventPump.MAX_BACKOFF) <= 0);
    // 6 attempts while backing off (100..3200 ms), then attempts 12 and 24 (once a minute at 5 s).
    assertThat(lines).filteredOn(l -> l.contains("docker-connect-failed")).hasSize(8);
    assertThat(lines).last().asString().contains("event=docker-reconnected attempts=30");
    assertThat(drain()).extracting(Trigger::cause).containsExactly("docker-reconnected");
  }

  @Test
  void theFirstAttemptIsAwaitedWhetherItConnectsOrNot() throws Exception {
    attempts.add("refused");
    attempts.add(stream(true));
    pump = null;
    Thread thread = Thread.ofPlatform().start(this::runPump);
    thread.join();

    assertThat(pump.awaitFirstAttempt(Duration.ZERO)).isTrue();
  }
}
