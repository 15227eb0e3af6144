package dev.breakwater.cli;

import dev.breakwater.host.DockerApiException;
import dev.breakwater.host.DockerClient;
import dev.breakwater.policy.ApplyTransaction;
import dev.breakwater.policy.IptablesApplier;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.policy.PolicyWatcher;
import dev.breakwater.policy.ReachEngineOracle;
import dev.breakwater.policy.WatchMetrics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Keep a policy in force as containers and the firewall change.",
    description = {
      "Checks the firewall against the policy at start, on every Docker event that can change what "
          + "is published (container start, stop, die; network connect, disconnect) and every "
          + "--interval, and applies the policy again when the rules have drifted (someone flushed "
          + "the chain, a container with an allow started). Each check is proved exactly as 'plan' "
          + "does; a plan that fails its proof is not applied and the rules in force stay.",
      "",
      "Logs one JSON line per check on standard output (time, trigger, result: unchanged, applied, "
          + "refused or error, rules added/removed, latency). With default: deny, a container started "
          + "between two checks is already denied from outside by the chain's catch-all. Needs root."
    },
    footer = {
      "",
      "Examples:",
      "  sudo breakwater watch --policy /etc/breakwater/policy.yml --metrics 127.0.0.1:9617",
      "  curl -s 127.0.0.1:9617/metrics | grep breakwater_",
      "",
      "Metrics: breakwater_published_ports{verdict}, breakwater_drift_corrections_total,",
      "breakwater_checks_total{result}, breakwater_last_apply_timestamp_seconds,",
      "breakwater_apply_latency_seconds.",
      "",
      "Exit codes: runs until stopped; 2 bad input."
    })
public final class WatchCommand implements Callable<Integer> {
  private static final Map<String, List<String>> EVENTS = Map.of(
      "type", List.of("container", "network"),
      "event", List.of("start", "stop", "die", "connect", "disconnect"));

  @Spec CommandSpec spec;

  @Option(names = "--policy", paramLabel = "FILE", required = true, description = "The policy file (YAML, see docs/policy.md).")
  Path policy;

  @Option(names = "--from", paramLabel = "DIR",
      description = "Take containers and interfaces from this snapshot directory instead of the live host (rules are always live).")
  Path from;

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "30s",
      description = "Check at least this often, events or not (default 30s).")
  String interval;

  @Option(names = "--metrics", paramLabel = "ADDRESS:PORT",
      description = "Serve Prometheus metrics on http://ADDRESS:PORT/metrics (for example 127.0.0.1:9617).")
  String metricsAddress;

  @Option(names = "--checks", paramLabel = "N", hidden = true, description = "Stop after N checks (tests).")
  long maxChecks = Long.MAX_VALUE;

  @Mixin FirewallOptions target;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration every = DurationText.parse("--interval", interval);
    Policy parsed = PolicyFile.read(policy);
    IptablesApplier firewall = target.firewall();
    WatchMetrics metrics = new WatchMetrics();
    PolicyWatcher watcher = new PolicyWatcher(
        () -> PolicyFacts.read(from, Optional.ofNullable(target.netns), Optional.of(firewall), err), parsed, new ReachEngineOracle(),
        new ApplyTransaction(firewall, target.store()), metrics, line -> {
          out.println(line);
          out.flush();
        }, Clock.systemUTC());
    HTTPServer server = metricsAddress == null ? null : startMetrics(metricsAddress, metrics);
    try {
      watch(watcher, every, err);
    } finally {
      if (server != null) {
        server.close();
      }
    }
    return ExitCodes.CLEAN;
  }

  private void watch(PolicyWatcher watcher, Duration every, PrintWriter err) throws InterruptedException {
    long checks = 0;
    watcher.check("start", System.currentTimeMillis());
    checks++;
    Optional<DockerClient> docker = from == null ? Optional.of(DockerClient.fromEnvironment()) : Optional.empty();
    DockerClient.EventStream events = null;
    long nextTick = System.currentTimeMillis() + every.toMillis();
    while (checks < maxChecks) {
      if (events == null && docker.isPresent()) {
        try {
          events = docker.get().events(EVENTS);
        } catch (DockerApiException | UncheckedIOException e) {
          err.println("note: no Docker events (" + e.getMessage() + "): checking every " + interval);
          err.flush();
          docker = Optional.empty();
        }
      }
      long wait = Math.max(1, nextTick - System.currentTimeMillis());
      String trigger = "interval";
      if (events != null) {
        long before = System.currentTimeMillis();
        Optional<JsonNode> event;
        try {
          event = events.next(Duration.ofMillis(wait));
        } catch (RuntimeException e) {
          event = Optional.empty();
        }
        if (event.isPresent()) {
          trigger = describe(event.get());
        } else if (System.currentTimeMillis() - before < wait / 2) {
          events.close(); // the stream ended early: reopen it on the next turn
          events = null;
          Thread.sleep(Math.max(0, nextTick - System.currentTimeMillis()));
        }
      } else {
        Thread.sleep(wait);
      }
      long triggered = System.currentTimeMillis();
      if (trigger.equals("interval") && triggered < nextTick) {
        continue;
      }
      watcher.check(trigger, triggered);
      checks++;
      if (trigger.equals("interval")) {
        nextTick = triggered + every.toMillis();
      }
    }
    if (events != null) {
      events.close();
    }
  }

  private static String describe(JsonNode event) {
    String type = event.path("Type").asString("");
    String action = event.path("Action").asString("");
    String name = event.path("Actor").path("Attributes").path("name").asString("");
    return "docker " + type + " " + action + (name.isEmpty() ? "" : " " + name);
  }

  private static HTTPServer startMetrics(String address, WatchMetrics metrics) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      throw new UserError("--metrics: expected ADDRESS:PORT (127.0.0.1:9617), got '" + address + "'");
    }
    String host = address.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new UserError("--metrics: expected a port 1-65535 after the colon, got '" + address + "'");
    }
    try {
      return HTTPServer.builder().hostname(host).port(port).registry(metrics.registry()).buildAndStart();
    } catch (IOException e) {
      throw new UserError("--metrics: cannot listen on " + address + ": " + e.getMessage());
    }
  }
}
