package dev.breakwater.probe;

import dev.breakwater.catalog.Severity;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** A probe run: the connect scan, then a service check on every open port that has one. */
public final class Prober {
  /** Service checks are short conversations; this many at once is plenty and stays polite. */
  private static final int CHECKS_AT_ONCE = 32;

  private final ScanSettings scanSettings;
  private final CheckOptions checkOptions;
  private final ServiceChecks checks;

  public Prober(ScanSettings scanSettings, CheckOptions checkOptions, ServiceChecks checks) {
    this.scanSettings = scanSettings;
    this.checkOptions = checkOptions;
    this.checks = checks;
  }

  public ProbeReport run(List<InetAddress> hosts, List<Integer> ports, ScanProgress progress) {
    long start = System.nanoTime();
    // Port-major order spreads the load: no host sees all its ports hit at once.
    List<Endpoint> endpoints = new ArrayList<>(hosts.size() * ports.size());
    for (int port : ports) {
      for (InetAddress host : hosts) {
        endpoints.add(new Endpoint(host, port));
      }
    }
    List<PortResult> results = new PortScanner(scanSettings).scan(endpoints, progress);
    List<ServiceFinding> findings = checkAll(PortScanner.openEndpoints(results));
    return new ProbeReport(hosts, ports.size(), results, findings, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Runs the checks for these endpoints concurrently; the findings keep the endpoints' order. */
  public List<ServiceFinding> checkAll(List<Endpoint> open) {
    List<Future<List<ServiceFinding>>> futures = new ArrayList<>();
    Semaphore permits = new Semaphore(CHECKS_AT_ONCE);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Endpoint e : open) {
        futures.add(pool.submit(() -> {
          permits.acquire();
          try {
            return checkOne(e);
          } finally {
            permits.release();
          }
        }));
      }
      List<ServiceFinding> findings = new ArrayList<>();
      for (Future<List<ServiceFinding>> f : futures) {
        findings.addAll(f.get());
      }
      return findings;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking services", ex);
    } catch (ExecutionException ex) {
      throw new IllegalStateException("a service check failed unexpectedly", ex.getCause());
    }
  }

  /** The anonymous check's finding, then, with a login for this service, what the login showed. */
  private List<ServiceFinding> checkOne(Endpoint endpoint) {
    Optional<ServiceCheck> check = checks.forPort(endpoint.port());
    if (check.isEmpty()) {
      return List.of();
    }
    ServiceCheck c = check.get();
    ServiceFinding anonymous;
    try {
      anonymous = c.check(endpoint, checkOptions);
    } catch (IOException | RuntimeException e) {
      // A server that hangs, resets or speaks garbage is a fact about the port, not a crash.
      return List.of(new ServiceFinding(endpoint, c.service(), Access.UNRECOGNISED, Severity.INFO, "",
          "port " + endpoint + " is open but did not complete a " + c.service() + " exchange ("
              + Printable.plain(String.valueOf(e.getMessage())) + ")", ""));
    }
    Optional<Login> login = checkOptions.logins().forService(c.service());
    if (login.isEmpty() || anonymous.access() == Access.UNRECOGNISED) {
      return List.of(anonymous);
    }
    // Only here is LoginChecks, and through it a database driver, loaded: a probe without
    // --login never pays for the drivers' classes (docs/probe.md, "Logging in").
    List<ServiceFinding> all = new ArrayList<>(List.of(anonymous));
    all.addAll(LoginChecks.run(c.service(), endpoint, login.get(), checkOptions.timeout()));
    return all;
  }
}
