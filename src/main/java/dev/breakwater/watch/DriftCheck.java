package dev.breakwater.watch;

import dev.breakwater.gather.HostReader;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.firewall.ApplyException;
import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.policy.ChainState;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.policy.ForbiddenFlows;
import dev.breakwater.policy.NftElementDelta;
import dev.breakwater.policy.NftPolicyText;
import dev.breakwater.policy.NftTableListing;
import dev.breakwater.plan.PlanDiff;
import dev.breakwater.policy.Policy;
import dev.breakwater.policy.PolicyCompiler;
import dev.breakwater.policy.PolicyException;
import dev.breakwater.policy.PolicyFile;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One check: read the host, compile the policy against it, compare with the BREAKWATER chain in
 * force, and apply when they differ (someone flushed it, dockerd recreated DOCKER-USER, a
 * container started that needs an allow). No I/O of its own: the reader, the enforcer, the clock
 * and the log are given, so the decision logic is tested with fakes.
 *
 * <p>With an {@link NftEnforcer} the firewall is the {@code inet breakwater} table: a change that
 * leaves every rule and set name as it was (the same protected ports, other sources) is made with
 * set elements ({@link NftElementDelta}); any other with a replace of the whole table.
 *
 * <p>Every correction is proved before it is applied ({@link CorrectionProof}: the reach engine
 * on the host with exactly the rules about to be written). One whose proof fails is refused: the
 * firewall stays as it was, an {@code event=correction-refused} line and the
 * {@code breakwater_corrections_refused_total} counter say so, and the next check tries again.
 * A correction in force is followed by its {@link Aftercare} (the cut of forbidden connections).
 *
 * <p>Every correction asks the change journal first ({@link ChangeGate}): while a change waits
 * for confirm or never finished it is deferred ({@code event=correction-deferred}, counted as
 * {@code breakwater_checks_total{result="deferred"}}, asked again at the next check); a policy
 * confirmed while watch runs is followed ({@code event=policy-followed}), not undone; and the
 * correction itself runs under the state lock.
 */
public final class DriftCheck {
  private Policy policy;
  private final ChangeGate gate;
  // The deferral last logged (change and reason): said once while it lasts, and its end once.
  private Optional<ChangeGate.Decision.Deferred> deferral = Optional.empty();
  private final HostReader reader;
  private final Enforcer enforcer;
  private final InstantSource clock;
  private final WatchLog log;
  private final WatchMetrics metrics;
  private final Aftercare aftercare;
  private final CorrectionProof proof;
  private volatile Optional<String> lastProblem = Optional.empty();
  private volatile List<String> lastNotes = List.of();
  // The last full read, and the chain rules the last check left in force (null: unknown).
  private HostFacts lastFacts;
  private Map<IpFamily, List<String>> inForce;
  // The nft backend's table the last check left in force (null: unknown), and the policy compiled then.
  private NftPolicyText tableInForce;
  private CompiledPolicy compiledInForce;
  private final java.util.Set<String> saidCutNotes = new java.util.HashSet<>();

  /** Without a proof or a cut: for the tests of the loop's other decisions. */
  public DriftCheck(Policy policy, HostReader reader, Enforcer enforcer, InstantSource clock, WatchLog log, WatchMetrics metrics) {
    this(policy, reader, enforcer, CorrectionProof.NONE, Aftercare.NONE, clock, log, metrics);
  }

  /**
   * @param enforcer an {@link NftEnforcer} for the nft backend, else the iptables apply
   * @param proof what every correction must pass before it is applied
   */
  public DriftCheck(Policy policy, HostReader reader, Enforcer enforcer, CorrectionProof proof, Aftercare aftercare,
      InstantSource clock, WatchLog log, WatchMetrics metrics) {
    this(policy, reader, enforcer, proof, aftercare, ChangeGate.NONE, clock, log, metrics);
  }

  /** @param gate the change journal's say over each correction ({@link JournalGate}) */
  public DriftCheck(Policy policy, HostReader reader, Enforcer enforcer, CorrectionProof proof, Aftercare aftercare,
      ChangeGate gate, InstantSource clock, WatchLog log, WatchMetrics metrics) {
    this.gate = gate;
    this.proof = proof;
    this.aftercare = aftercare;
    this.policy = policy;
    this.reader = reader;
    this.enforcer = enforcer;
    this.clock = clock;
    this.log = log;
    this.metrics = metrics;
  }

  /** How a check ended. */
  public enum Result {
    /** The chain already held the compiled policy: nothing was applied. */
    IN_FORCE,
    /** The chain differed and was re-asserted. */
    CORRECTED,
    /** The host could not be read, the policy not compiled or the apply failed; retried soon. */
    FAILED,
    /**
     * The chain differed, but the correction's proof failed, so nothing was applied; checked
     * again at the next trigger or interval (a retry would not change the engine's answer).
     */
    REFUSED,
    /**
     * The chain differed, but a change waits for confirm or never finished (the journal says
     * so): nothing was applied; checked again at the next trigger or interval.
     */
    DEFERRED
  }

  /** Checks once for {@code batch} (the triggers it answers, at least one). */
  public Result check(List<Trigger> batch) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("a check answers at least one trigger");
    }
    Instant started = clock.instant();
    // Docker events change containers, not rules: compile against the rules of the last full read
    // and compare with what the last check left in force. Hand edits are the interval's job.
    boolean containersOnly = lastFacts != null && (enforcer instanceof NftEnforcer ? tableInForce != null : inForce != null)
        && batch.stream().allMatch(t -> t instanceof Trigger.Docker || t instanceof Trigger.Settle);
    HostFacts facts;
    CompiledPolicy compiled;
    try {
      // A proof needs the whole host; it is read once, here, and the policy compiled from the
      // same read it proves (no second read of the containers and tables on the latency path).
      facts = proof.readsWholeHost() ? reader.readWhole()
          : containersOnly ? reader.readContainers(lastFacts) : reader.read();
      // As the start-up plan compiles (Plan.make with the backend): the nft table needs no DOCKER-USER.
      compiled = PolicyCompiler.compile(facts, policy,
          enforcer instanceof NftEnforcer ? FirewallBackend.NFT : FirewallBackend.IPTABLES);
    } catch (PolicyException e) {
      return failed("policy-error", batch, e.getMessage());
    } catch (RuntimeException e) {
      return failed("check-failed", batch, describe(e));
    }
    Instant read = clock.instant();
    metrics.ports(compiled.ports());
    if (!(enforcer instanceof NftEnforcer) && !containersOnly) {
      // Before the notes: the compiler's "no DOCKER-USER" note would only repeat this line's cause.
      Optional<Result> lost = dockerUserLost(compiled, batch);
      if (lost.isPresent()) {
        return lost.get();
      }
    }
    notes(compiled);
    if (enforcer instanceof NftEnforcer table) {
      return checkTable(table, batch, started, read, facts, compiled, containersOnly);
    }
    boolean drifted;
    if (containersOnly) {
      drifted = !compiled.chainRules().equals(inForce);
    } else {
      lastFacts = facts;
      drifted = false;
      for (IpFamily family : compiled.families()) {
        Optional<Ruleset> ruleset = family == IpFamily.V4 ? Optional.of(facts.ipv4()) : facts.ipv6();
        drifted |= !ruleset.map(ChainState::of).orElseThrow().matches(compiled.rules(family));
      }
    }
    if (!drifted) {
      inForce = compiled.chainRules();
      return held(compiled, batch, log.line("in-force").with("chain", CompiledPolicy.CHAIN)
          .with("families", String.join(",", families(compiled))).with("ports", compiled.ports().size()));
    }
    Optional<Result> notNow = looked(batch);
    if (notNow.isPresent()) {
      return notNow.get();
    }
    Optional<Result> refused = refusedByProof(facts, compiled, batch);
    if (refused.isPresent()) {
      return refused.get();
    }
    ApplyTransaction.Outcome outcome;
    try {
      ChangeGate.Decision decision = gate.correct(causeText(batch), () -> enforcer.apply(compiled));
      if (!(decision instanceof ChangeGate.Decision.Applied applied)) {
        return answered(decision, batch);
      }
      outcome = applied.outcome();
    } catch (ApplyException e) {
      return failed("apply-failed", batch, e.getMessage());
    } catch (RuntimeException e) {
      return failed("apply-failed", batch, describe(e));
    }
    inForce = compiled.chainRules();
    CompiledPolicy previous = compiledInForce;
    if (!applied(compiled, outcome, batch)) {
      return Result.IN_FORCE;
    }
    Instant done = clock.instant();
    Instant cause = causeTime(batch, started);
    Duration latency = Duration.between(cause, done);
    for (PlanDiff diff : outcome.diffs().values().stream().sorted(Comparator.comparing(PlanDiff::family)).toList()) {
      if (diff.isEmpty()) {
        continue;
      }
      LogLine line = log.line("drift-corrected")
          .with("chain", CompiledPolicy.CHAIN)
          .with("family", family(diff.family()))
          .with("added", diff.added())
          .with("removed", diff.removed());
      jumpChange(diff).ifPresent(change -> line.with("jump", change));
      line.with("latency_ms", latency.toMillis())
          .with("apply_ms", Duration.between(started, done).toMillis())
          .with("read_ms", Duration.between(started, read).toMillis());
      causes(line, batch);
      log.write(line);
    }
    metrics.corrected(latency, done);
    followUp(compiled, !containersOnly || previous == null || ForbiddenFlows.narrows(previous, compiled), batch);
    return Result.CORRECTED;
  }

  /**
   * The nft backend's half of a check. On Docker events the table is compared with the one the
   * last check left in force; otherwise with {@code nft list table inet breakwater}, so that a
   * deleted table ({@code nft flush ruleset}), chain, rule or element is found and put back.
   */
  private Result checkTable(NftEnforcer table, List<Trigger> batch, Instant started, Instant read, HostFacts facts,
      CompiledPolicy compiled, boolean containersOnly) {
    NftPolicyText planned = NftPolicyText.of(compiled);
    String current;
    boolean holds;
    Optional<NftElementDelta> delta;
    Optional<String> found = Optional.empty();
    if (containersOnly) {
      current = tableInForce.table();
      holds = current.equals(planned.table());
      delta = NftElementDelta.between(tableInForce, planned);
    } else {
      Optional<String> live;
      try {
        live = table.liveTable();
      } catch (RuntimeException e) {
        return failed("check-failed", batch, describe(e));
      }
      lastFacts = facts;
      if (live.isEmpty()) {
        current = "";
        holds = false;
        delta = Optional.empty();
        found = Optional.of("absent");
      } else {
        current = live.get();
        NftTableListing listing = NftTableListing.parse(current);
        holds = listing.matches(planned);
        delta = NftElementDelta.between(listing, planned);
        found = Optional.of(delta.isPresent() ? "sets-differ" : "rules-differ");
      }
    }
    if (holds) {
      tableInForce = planned;
      return held(compiled, batch, log.line("in-force").with("table", NftPolicyText.FAMILY + " " + NftPolicyText.TABLE)
          .with("ports", compiled.ports().size()));
    }
    Optional<Result> notNow = looked(batch);
    if (notNow.isPresent()) {
      return notNow.get();
    }
    Optional<Result> refused = refusedByProof(facts, compiled, batch);
    if (refused.isPresent()) {
      return refused.get();
    }
    ApplyTransaction.Outcome outcome;
    String[] how = {"table", null}; // the update made, and why nft refused the elements (if it did)
    try {
      ChangeGate.Decision decision = gate.correct(causeText(batch), () -> {
        if (delta.isPresent()) {
          try {
            ApplyTransaction.Outcome elements = table.updateElements(current, delta.get(), compiled);
            how[0] = "elements";
            return elements;
          } catch (ApplyException e) {
            // nft refused the elements (one gone by hand since the last check): replace the table.
            how[1] = e.getMessage();
            return table.apply(compiled);
          }
        }
        return table.apply(compiled);
      });
      if (!(decision instanceof ChangeGate.Decision.Applied applied)) {
        return answered(decision, batch);
      }
      outcome = applied.outcome();
    } catch (ApplyException e) {
      return failed("apply-failed", batch, e.getMessage());
    } catch (RuntimeException e) {
      return failed("apply-failed", batch, describe(e));
    }
    tableInForce = planned;
    String update = how[0];
    Optional<String> fallback = Optional.ofNullable(how[1]);
    CompiledPolicy previous = compiledInForce;
    if (!applied(compiled, outcome, batch)) {
      return Result.IN_FORCE;
    }
    Instant done = clock.instant();
    Duration latency = Duration.between(causeTime(batch, started), done);
    LogLine line = log.line("drift-corrected").with("table", NftPolicyText.FAMILY + " " + NftPolicyText.TABLE).with("update", update);
    if (update.equals("elements")) {
      line.with("elements_added", delta.get().added()).with("elements_removed", delta.get().removed());
    } else {
      line.with("added", outcome.nftAdded()).with("removed", outcome.nftRemoved());
    }
    found.ifPresent(f -> line.with("found", f));
    line.with("latency_ms", latency.toMillis())
        .with("apply_ms", Duration.between(started, done).toMillis())
        .with("read_ms", Duration.between(started, read).toMillis());
    causes(line, batch);
    fallback.ifPresent(f -> line.with("elements_refused", f));
    log.write(line);
    metrics.corrected(latency, done);
    followUp(compiled, !containersOnly || previous == null || ForbiddenFlows.narrows(previous, compiled), batch);
    return Result.CORRECTED;
  }

  /**
   * A family the policy was in force in whose DOCKER-USER chain is gone: the compiler then
   * compiles nothing for it (nowhere to jump from), which must not read as "in force". firewalld
   * 1.3 removes it on {@code firewall-cmd --reload}, {@code --complete-reload}, its start and its
   * stop, with either FirewallBackend ({@code fw.py}: {@code flush()} runs {@code iptables -F; -X}
   * on every table of {@code all_backends()}, FirewalldReloadLabTest), as does {@code iptables -X}
   * by hand. Only Docker creates the chain again (at its start, or on firewalld's Reloaded
   * signal), so this is a failed check, retried every second, said once until the chain is back;
   * the next check then puts the BREAKWATER chain back.
   */
  private Optional<Result> dockerUserLost(CompiledPolicy compiled, List<Trigger> batch) {
    if (compiledInForce == null) {
      return Optional.empty();
    }
    List<IpFamily> lost = compiledInForce.families().stream().filter(f -> !compiled.families().contains(f)).toList();
    if (lost.isEmpty()) {
      return Optional.empty();
    }
    String families = String.join(", ", lost.stream().map(IpFamily::label).toList());
    return Optional.of(failed("check-failed", batch, families + ": DOCKER-USER is gone (firewalld's reload, start or stop,"
        + " or iptables -X, removed Docker's chains and the BREAKWATER chain with them), so the policy is not in force there"
        + " and cannot be put back until Docker creates DOCKER-USER again (restart docker); checking again every second"));
  }

  /** Nothing to change; at start-up {@code startupLine} says so (the first thing an operator wants to read). */
  private Result held(CompiledPolicy compiled, List<Trigger> batch, LogLine startupLine) {
    compiledInForce = compiled;
    recovered(batch);
    if (deferral.isPresent() && lookedClear()) {
      resumed(batch, "in-force");
    }
    metrics.inForce();
    if (batch.stream().anyMatch(t -> t instanceof Trigger.Startup)) {
      causes(startupLine, batch);
      log.write(startupLine);
    }
    return Result.IN_FORCE;
  }

  /**
   * Records a successful apply; false when it found nothing to change (someone else, an apply or
   * a second watcher, fixed it between our read and our apply).
   */
  private boolean applied(CompiledPolicy compiled, ApplyTransaction.Outcome outcome, List<Trigger> batch) {
    compiledInForce = compiled;
    recovered(batch);
    resumed(batch, outcome.changed() ? "corrected" : "in-force");
    if (!outcome.changed()) {
      metrics.inForce();
      return false;
    }
    return true;
  }

  /**
   * The proof before a correction: empty when it holds; otherwise the correction is refused, the
   * firewall left as it is, and the refusal logged (once while the same problems persist) and
   * counted (every time). A proof that cannot run refuses too: an unproved change is never applied,
   * with one exception: putting back exactly the rules that were in force before the firewall
   * drifted (after {@code nft flush ruleset} the proof cannot decide without Docker's nat rules)
   * when that only narrows who reaches the ports ({@link CorrectionProof.Finding#noLooser}). It is
   * applied and its unproved problems logged: refusing would leave the ports open. A new
   * correction (a container started, a policy never in force) is never applied unproved.
   */
  private Optional<Result> refusedByProof(HostFacts facts, CompiledPolicy compiled, List<Trigger> batch) {
    CorrectionProof.Finding finding;
    try {
      finding = proof.prove(facts, compiled);
    } catch (RuntimeException e) {
      finding = CorrectionProof.Finding.refuted(List.of("the proof could not run: " + describe(e)));
    }
    if (finding.proved()) {
      return Optional.empty();
    }
    String problem = String.join("; ", finding.problems());
    if (finding.noLooser() && sameRules(compiled, compiledInForce)) {
      LogLine line = log.line("correction-unproved").with("applied", "narrows-only").with("problems", problem);
      causes(line, batch);
      log.write(line);
      return Optional.empty();
    }
    metrics.refused();
    inForce = null; // the firewall is not what this check compiled: the next check reads everything again
    tableInForce = null;
    if (!lastProblem.equals(Optional.of("correction-refused" + problem))) {
      LogLine line = log.line("correction-refused").with("reason", "proof-failed").with("problems", problem);
      causes(line, batch);
      log.write(line);
      lastProblem = Optional.of("correction-refused" + problem);
    }
    return Optional.of(Result.REFUSED);
  }

  /**
   * The same protected ports with the same allows, sets and verdicts: what both backends write.
   * The iptables chain text and the compiler's notes also depend on the tables read (after
   * {@code nft flush ruleset} there is no DOCKER-USER to compile for), so they are not compared.
   */
  private static boolean sameRules(CompiledPolicy a, CompiledPolicy b) {
    return b != null && a.ports().equals(b.ports()) && a.sets().equals(b.sets())
        && a.externalInterfaces().equals(b.externalInterfaces()) && a.defaultVerdict() == b.defaultVerdict()
        && a.denyAction() == b.denyAction();
  }

  /** The journal's look before the proof: a deferral spares it. */
  private Optional<Result> looked(List<Trigger> batch) {
    Optional<ChangeGate.Decision.Deferred> decision;
    try {
      decision = gate.look();
    } catch (RuntimeException e) {
      return Optional.of(failed("check-failed", batch, describe(e)));
    }
    return decision.map(d -> answered(d, batch));
  }

  /** A correction the journal did not let run: deferred, or the policy followed and the check made again with it. */
  private Result answered(ChangeGate.Decision decision, List<Trigger> batch) {
    inForce = null; // nothing was applied: the next check reads everything again
    tableInForce = null;
    switch (decision) {
      case ChangeGate.Decision.Deferred d -> {
        metrics.deferred();
        if (!deferral.equals(Optional.of(d))) {
          LogLine line = log.line("correction-deferred").with("change", d.change());
          d.deadline().ifPresent(at -> line.with("deadline", at));
          line.with("reason", d.reason()).with("next", d.reason().equals("unfinished")
              ? "run 'breakwater rollback' (or apply again)" : "confirm or rollback (or the timer) ends it");
          causes(line, batch);
          log.write(line);
          deferral = Optional.of(d);
        }
        return Result.DEFERRED;
      }
      case ChangeGate.Decision.Follow f -> {
        Policy followed;
        try {
          followed = PolicyFile.parse(f.text(), f.file());
        } catch (PolicyException e) {
          return failed("policy-error", batch, e.getMessage());
        }
        policy = followed;
        compiledInForce = null;
        LogLine line = log.line("policy-followed").with("change", f.change()).with("policy", f.file())
            .with("reason", f.confirmed() ? "confirmed" : "none-confirmed");
        causes(line, batch);
        log.write(line);
        return check(batch); // the same triggers, against the policy now kept
      }
      case ChangeGate.Decision.Applied a -> throw new IllegalStateException("an applied correction is not an answer");
    }
  }

  /** Whether the journal no longer defers corrections (a journal that cannot be read does, for now). */
  private boolean lookedClear() {
    try {
      return gate.look().isEmpty();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The end of a deferral, said once: the change it waited for was confirmed or rolled back. */
  private void resumed(List<Trigger> batch, String found) {
    if (deferral.isPresent()) {
      LogLine line = log.line("correction-resumed").with("change", deferral.get().change()).with("found", found);
      causes(line, batch);
      log.write(line);
      deferral = Optional.empty();
    }
  }

  /** The cut after a correction; its problems are logged, never undo it. */
  private void followUp(CompiledPolicy compiled, boolean cut, List<Trigger> batch) {
    Aftercare.Report report;
    try {
      report = aftercare.after(compiled, cut);
    } catch (RuntimeException e) {
      LogLine line = log.line("cut-failed").with("error", describe(e));
      causes(line, batch);
      log.write(line);
      return;
    }
    if (report.cut() > 0) {
      LogLine line = log.line("flows-cut").with("cut", report.cut());
      causes(line, batch);
      log.write(line);
    }
    for (String note : report.notes()) {
      if (saidCutNotes.add(note)) {
        log.write(log.line("cut-note").with("note", note));
      }
    }
  }

  /** The event the correction answers: the earliest Docker event, else when the check began. */
  private static Instant causeTime(List<Trigger> batch, Instant started) {
    return batch.stream()
        .filter(t -> t instanceof Trigger.Docker)
        .map(Trigger::at)
        .min(Comparator.naturalOrder())
        .filter(at -> !at.isAfter(started))
        .orElse(started);
  }

  private static String causeText(List<Trigger> batch) {
    return String.join(",", new LinkedHashSet<>(batch.stream().map(Trigger::cause).toList()));
  }

  private static void causes(LogLine line, List<Trigger> batch) {
    LinkedHashSet<String> causes = new LinkedHashSet<>();
    LinkedHashSet<String> containers = new LinkedHashSet<>();
    for (Trigger trigger : batch) {
      causes.add(trigger.cause());
      if (trigger instanceof Trigger.Docker docker && !docker.event().container().isEmpty()) {
        containers.add(docker.event().container());
      }
    }
    line.with("cause", String.join(",", causes));
    if (!containers.isEmpty()) {
      line.with("container", String.join(",", containers));
    }
    if (batch.size() > 1) {
      line.with("events", batch.size());
    }
  }

  /** What the apply did to the chain itself and the jump to it, from its diff's summary. */
  private static Optional<String> jumpChange(PlanDiff diff) {
    String change = diff.jumpChange();
    if (change.contains("(new chain)")) {
      return Optional.of("chain-created");
    }
    if (change.startsWith("+")) {
      return Optional.of("inserted");
    }
    if (change.startsWith("~")) {
      return Optional.of("moved");
    }
    return Optional.empty();
  }

  /** The compiler's notes (a family left alone, a host-network container), each time they change. */
  private void notes(CompiledPolicy compiled) {
    if (compiled.notes().equals(lastNotes)) {
      return;
    }
    for (String note : compiled.notes()) {
      if (!lastNotes.contains(note)) {
        log.write(log.line("policy-note").with("note", note));
      }
    }
    lastNotes = compiled.notes();
  }

  private Result failed(String event, List<Trigger> batch, String problem) {
    metrics.failed();
    inForce = null; // the next check reads everything again
    tableInForce = null;
    // A problem that persists (dockerd down for minutes) is logged once, not at every retry.
    if (!lastProblem.equals(Optional.of(event + problem))) {
      LogLine line = log.line(event).with("error", problem);
      causes(line, batch);
      log.write(line);
      lastProblem = Optional.of(event + problem);
    }
    return Result.FAILED;
  }

  private void recovered(List<Trigger> batch) {
    if (lastProblem.isPresent()) {
      lastProblem = Optional.empty();
      LogLine line = log.line("check-recovered");
      causes(line, batch);
      log.write(line);
    }
  }

  static String family(IpFamily family) {
    return family == IpFamily.V4 ? "ipv4" : "ipv6";
  }

  private static String describe(RuntimeException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** Every family the compiled policy covers, for the start-up line. */
  static List<String> families(CompiledPolicy compiled) {
    List<String> families = new ArrayList<>();
    compiled.families().forEach(f -> families.add(family(f)));
    return families;
  }
}
