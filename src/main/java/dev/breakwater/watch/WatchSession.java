package dev.breakwater.watch;

import dev.breakwater.gather.HostReader;

import dev.breakwater.policy.Policy;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * A running watch: the event pump on its own thread, the checker loop on another, and the
 * metrics endpoint when asked for. Started and stopped as one.
 */
public final class WatchSession implements AutoCloseable {
  /** How soon a failed check is tried again (dockerd restarting, DOCKER-USER not there yet). */
  public static final Duration RETRY = Duration.ofSeconds(1);

  private final Optional<EventPump> pump;
  private final WatchLoop loop;
  private final long maxChecks;
  private final Optional<Thread> pumpThread;
  private final Thread loopThread;
  private final Optional<HTTPServer> server;
  private final WatchLog log;
  private volatile Throwable loopFailure;

  private WatchSession(Optional<EventPump> pump, WatchLoop loop, long maxChecks, Optional<HTTPServer> server, WatchLog log) {
    this.pump = pump;
    this.loop = loop;
    this.maxChecks = maxChecks;
    this.server = server;
    this.log = log;
    this.pumpThread = pump.map(p -> Thread.ofPlatform().name("breakwater-watch-events").daemon().unstarted(p));
    this.loopThread = Thread.ofPlatform().name("breakwater-watch-checks").daemon().unstarted(this::runLoop);
  }

  /**
   * Starts watching: the event stream first (so that nothing that happens after the first check
   * is missed), then the first check, then the loop.
   */
  public static WatchSession start(
      Policy policy,
      HostReader reader,
      Enforcer enforcer,
      EventConnection.Connector events,
      WatchLog log,
      WatchMetrics metrics,
      Duration interval,
      Optional<MetricsAddress> metricsAddress) {
    return start(policy, reader, enforcer, Optional.of(events), log, metrics, interval, metricsAddress, Long.MAX_VALUE);
  }

  /**
   * As above; without an event source only the interval triggers checks, and with
   * {@code maxChecks} the session ends by itself after that many checks (for tests).
   */
  public static WatchSession start(
      Policy policy,
      HostReader reader,
      Enforcer enforcer,
      Optional<EventConnection.Connector> events,
      WatchLog log,
      WatchMetrics metrics,
      Duration interval,
      Optional<MetricsAddress> metricsAddress,
      long maxChecks) {
    return start(policy, reader, enforcer, CorrectionProof.NONE, Aftercare.NONE, ChangeGate.NONE, events, log, metrics, interval,
        metricsAddress, maxChecks);
  }

  /**
   * As above, with the proof every correction must pass before it is applied and what follows
   * it (the cut of forbidden connections); an {@link NftEnforcer} keeps the
   * {@code inet breakwater} table instead of the chain; {@code gate} (a {@link JournalGate}) is
   * the change journal's say over each correction.
   */
  public static WatchSession start(
      Policy policy,
      HostReader reader,
      Enforcer enforcer,
      CorrectionProof proof,
      Aftercare aftercare,
      ChangeGate gate,
      Optional<EventConnection.Connector> events,
      WatchLog log,
      WatchMetrics metrics,
      Duration interval,
      Optional<MetricsAddress> metricsAddress,
      long maxChecks) {
    InstantSource clock = InstantSource.system();
    TriggerQueue queue = new TriggerQueue();
    DriftCheck watcher = new DriftCheck(policy, reader, enforcer, proof, aftercare, gate, clock, log, metrics);
    WatchLoop loop = new WatchLoop(watcher, queue, clock, interval, RETRY);
    Optional<EventPump> pump = events.map(connector -> new EventPump(connector, queue, log, clock, Sleeper.REAL));
    Optional<HTTPServer> server = metricsAddress.map(address -> serve(address, metrics));
    WatchSession session = new WatchSession(pump, loop, maxChecks, server, log);
    session.pumpThread.ifPresent(Thread::start);
    try {
      if (pump.isPresent()) {
        pump.get().awaitFirstAttempt(Duration.ofSeconds(30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    session.loopThread.start();
    return session;
  }

  private static HTTPServer serve(MetricsAddress address, WatchMetrics metrics) {
    return MetricsServer.start(address, metrics.registry());
  }

  private void runLoop() {
    try {
      loop.run(maxChecks);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      loopFailure = e;
      log.write(log.line("watch-failed").with("error", String.valueOf(e)));
    }
  }

  /** The port the metrics endpoint listens on (useful with port 0), if any. */
  public Optional<Integer> metricsPort() {
    return server.map(HTTPServer::getPort);
  }

  /** Blocks until the session ends (it ends only when stopped or when its loop failed). */
  public void await() throws InterruptedException {
    loopThread.join();
    if (loopFailure != null) {
      throw new IllegalStateException("watch stopped: " + loopFailure, loopFailure);
    }
  }

  /** Stops the loop after the check in progress, closes the stream and the endpoint. */
  @Override
  public void close() {
    loop.stop();
    pump.ifPresent(EventPump::stop);
    try {
      loopThread.join(Duration.ofSeconds(30));
      if (pumpThread.isPresent()) {
        pumpThread.get().join(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.ifPresent(HTTPServer::close);
  }
}
