package dev.breakwater.watch;

import static dev.breakwater.watch.WatchLoopTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.firewall.ApplyTransaction;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The check's side of the change journal ({@link ChangeGate}), with a scripted gate and the fake
 * host: a deferred correction applies nothing, is logged once and counted every time, spares the
 * proof, and its end is said; a followed policy is compiled and kept.
 */
class DeferredCorrectionTest {
  static final Instant DEADLINE = Instant.parse("2026-11-24T16:02:00Z");
  static final ChangeGate.Decision.Deferred WAITING = new ChangeGate.Decision.Deferred(3, Optional.of(DEADLINE), "waits-for-confirm");

  final FakeClock clock = new FakeClock(T0);
  final FakeHost host = new FakeHost(clock);
  final List<String> lines = new ArrayList<>();
  final WatchMetrics metrics = new WatchMetrics(new PrometheusRegistry());
  final List<Object> proved = new ArrayList<>();
  /** What the journal says: the look, and the answers of the locked step in order (then: run it). */
  Optional<ChangeGate.Decision.Deferred> looking = Optional.empty();
  final Deque<ChangeGate.Decision> answers = new ArrayDeque<>();
  final List<String> causes = new ArrayList<>();

  final ChangeGate gate = new ChangeGate() {
    @Override
    public Optional<Decision.Deferred> look() {
      return looking;
    }

    @Override
    public Decision correct(String cause, Supplier<ApplyTransaction.Outcome> correction) {
      causes.add(cause);
      return answers.isEmpty() ? new Decision.Applied(correction.get(), Optional.of("change #3 (rolled-back)")) : answers.poll();
    }
  };

  final DriftCheck check = new DriftCheck(WatchLoopTest.POLICY, host, host, (now, compiled) -> {
    proved.add(compiled);
    return CorrectionProof.Finding.PROVED;
  }, Aftercare.NONE, gate, clock, new WatchLog(clock, lines::add), metrics);

  @Test
  void whileAChangeWaitsForConfirmNothingIsAppliedTheDeferralIsSaidOnceCountedEachTimeAndItsEndSaid() {
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    looking = Optional.of(WAITING);

    assertThat(check.check(List.of(new Trigger.Startup(T0)))).isEqualTo(DriftCheck.Result.DEFERRED);
    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.DEFERRED);

    assertThat(host.applies).isEmpty();
    assertThat(proved).as("the look spares the proof").isEmpty();
    assertThat(lines).containsExactly("ts=2026-11-24T16:00:00Z event=correction-deferred change=3 deadline=2026-11-24T16:02:00Z"
        + " reason=waits-for-confirm next=\"confirm or rollback (or the timer) ends it\" cause=startup");
    assertThat(metrics.checks("deferred")).isEqualTo(2);
    assertThat(metrics.driftCorrections()).isZero();

    looking = Optional.empty(); // rolled back by its timer
    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);

    assertThat(host.applies).hasSize(1);
    assertThat(causes).containsExactly("interval");
    assertThat(lines.get(1)).isEqualTo("ts=2026-11-24T16:00:00Z event=correction-resumed change=3 found=corrected cause=interval");
    assertThat(lines.get(2)).startsWith("ts=2026-11-24T16:00:00Z event=drift-corrected chain=BREAKWATER family=ipv4");
  }

  @Test
  void aDeferralFoundUnderTheLockAppliesNothingEither() {
    answers.add(new ChangeGate.Decision.Deferred(4, Optional.empty(), "unfinished"));

    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.DEFERRED);

    assertThat(host.applies).isEmpty();
    assertThat(lines).containsExactly("ts=2026-11-24T16:00:00Z event=correction-deferred change=4 reason=unfinished"
        + " next=\"run 'breakwater rollback' (or apply again)\" cause=interval");
    // Next check, the firewall holds the policy (someone applied it): the end of the deferral is said.
    check.check(List.of(new Trigger.Periodic(T0)));
    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.IN_FORCE);
    assertThat(lines).filteredOn(l -> l.contains("correction-resumed")).hasSize(1);
  }

  @Test
  void aDeferralThatStillHoldsIsNotCalledOverWhenTheChainHappensToMatch() {
    looking = Optional.of(WAITING);
    check.check(List.of(new Trigger.Periodic(T0)));
    // The change waiting for confirm holds watch's own rules.
    host.apply(dev.breakwater.policy.PolicyCompiler.compile(host.read(), WatchLoopTest.POLICY));

    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.IN_FORCE);
    assertThat(lines).noneMatch(l -> l.contains("correction-resumed"));
  }

  @Test
  void aPolicyConfirmedWhileWatchRunsIsFollowedAndItsRulesAreWhatTheCheckKeeps() {
    host.containers.add(FakeHost.container("web", 8080, Map.of()));
    answers.add(new ChangeGate.Decision.Follow(5, "/var/lib/breakwater/policy-000005.yml", """
        interfaces: [eth0]
        default: deny
        allow:
          - port: 8080
            from: 198.51.100.0/24
        """, true));

    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).isEqualTo(DriftCheck.Result.CORRECTED);

    assertThat(lines.getFirst()).isEqualTo("ts=2026-11-24T16:00:00Z event=policy-followed change=5"
        + " policy=/var/lib/breakwater/policy-000005.yml reason=confirmed cause=interval");
    assertThat(host.applies).hasSize(1);
    assertThat(host.chain).as("the confirmed policy's allow, not watch's 'from: any'")
        .anyMatch(r -> r.contains("-s 198.51.100.0/24") && r.contains("--ctorigdstport 8080"))
        .noneMatch(r -> r.equals("-A BREAKWATER -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN"));
    assertThat(check.check(List.of(new Trigger.Periodic(T0)))).as("kept from now on").isEqualTo(DriftCheck.Result.IN_FORCE);
  }
}
