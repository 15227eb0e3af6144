package dev.breakwater.watch;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The metrics endpoint, hardened against clients that connect and say nothing. The JDK's HTTP
 * server hands every accepted connection to its executor to read the request, so with the
 * exporter's default pool of 10 threads, 10 silent connections starved every scrape. Here each
 * connection gets a virtual thread (a blocked read costs no platform thread), at most {@link
 * #MAX_CONNECTIONS} at a time (the JDK server closes a connection the executor rejects), and a
 * request not read within {@link #REQUEST_SECONDS} seconds is dropped by the JDK server's own
 * timer ({@code sun.net.httpserver.maxReqTime}, read once when the server class loads).
 */
final class MetricsServer {
  static final int MAX_CONNECTIONS = 64;
  static final int REQUEST_SECONDS = 5;

  private MetricsServer() {}

  static HTTPServer start(MetricsAddress address, PrometheusRegistry registry) {
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
    }
    try {
      return HTTPServer.builder()
          .inetAddress(address.bindAddress())
          .port(address.port())
          .registry(registry)
          .executorService(new Bounded(MAX_CONNECTIONS))
          .buildAndStart();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
    }
  }

  /** Virtual threads, at most {@code permits} running; beyond that a task is rejected at once. */
  private static final class Bounded extends AbstractExecutorService {
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore permits;

    Bounded(int permits) {
      this.permits = new Semaphore(permits);
    }

    @Override
    public void execute(Runnable task) {
      if (!permits.tryAcquire()) {
        throw new RejectedExecutionException("more than " + MAX_CONNECTIONS + " metrics connections at once");
      }
      try {
        threads.execute(() -> {
          try {
            task.run();
          } finally {
            permits.release();
          }
        });
      } catch (RejectedExecutionException e) {
        permits.release();
        throw e;
      }
    }

    @Override
    public void shutdown() {
      threads.shutdown();
    }

    @Override
    public java.util.List<Runnable> shutdownNow() {
      return threads.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return threads.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return threads.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return threads.awaitTermination(timeout, unit);
    }
  }
}
