package dev.breakwater.policy;

import dev.breakwater.host.HostFacts;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * One check of {@code watch}: read the host, plan and prove the policy, apply it when the
 * firewall is not what it says, and log the result as one JSON line. A plan that fails its proof
 * is not applied: the rules in force stay, and the line says why.
 */
public final class PolicyWatcher {
  private static final JsonMapper ONE_LINE = JsonMapper.builder().build();

  private final Supplier<HostFacts> facts;
  private final Policy policy;
  private final ReachOracle engine;
  private final ApplyTransaction transaction;
  private final WatchMetrics metrics;
  private final Consumer<String> log;
  private final Clock clock;
  private boolean appliedOnce;

  public PolicyWatcher(Supplier<HostFacts> facts, Policy policy, ReachOracle engine, ApplyTransaction transaction,
      WatchMetrics metrics, Consumer<String> log, Clock clock) {
    this.facts = facts;
    this.policy = policy;
    this.engine = engine;
    this.transaction = transaction;
    this.metrics = metrics;
    this.log = log;
    this.clock = clock;
  }

  /** The JSON line {@code watch} logs for each check; field names are the log contract. */
  public record Check(
      String time, String trigger, String result, long added, long removed, long latencyMs, int ports, List<String> problems) {}

  /** Checks once; {@code trigger} says why (start, interval, the Docker event). */
  public Check check(String trigger, long triggeredAtMillis) {
    String result;
    long added = 0;
    long removed = 0;
    int ports = 0;
    List<String> problems = List.of();
    try {
      Plan plan = Plan.make(facts.get(), policy, Optional.of(engine));
      ports = plan.compiled().ports().size();
      metrics.observe(plan.compiled().ports());
      if (!plan.proved()) {
        result = "refused";
        problems = plan.proof().map(PolicyProof.Result::problems).orElse(List.of("no proof"));
      } else {
        ApplyTransaction.Outcome outcome = transaction.apply(plan.compiled());
        result = outcome.changed() ? "applied" : "unchanged";
        added = outcome.diffs().values().stream().mapToLong(PlanDiff::added).sum();
        removed = outcome.diffs().values().stream().mapToLong(PlanDiff::removed).sum();
      }
    } catch (RuntimeException e) {
      // Watching goes on: the next event or tick tries again; the line says what went wrong.
      result = "error";
      problems = List.of(String.valueOf(e.getMessage()));
    }
    long now = clock.millis();
    long latency = Math.max(0, now - triggeredAtMillis);
    metrics.checked(result, appliedOnce, latency / 1000.0, now / 1000);
    // The first apply puts the policy in place; a later one corrects a drift.
    if (result.equals("applied") || result.equals("unchanged")) {
      appliedOnce = true;
    }
    Check check = new Check(clock.instant().toString(), trigger, result, added, removed, latency, ports, problems);
    log.accept(ONE_LINE.writeValueAsString(check));
    return check;
  }
}
