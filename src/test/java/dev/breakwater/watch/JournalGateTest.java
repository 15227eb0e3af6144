package dev.breakwater.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.firewall.ChangeJournal;
import dev.breakwater.firewall.FakeKernel;
import dev.breakwater.firewall.Journal;
import dev.breakwater.firewall.LoginSession;
import dev.breakwater.firewall.StateLock;
import dev.breakwater.firewall.StateStore;
import dev.breakwater.net.IpFamily;
import dev.breakwater.policy.CompiledPolicy;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * watch's corrections against the real journal on a fake kernel ({@link FakeKernel}): the lock,
 * the deferral while a change is open, the journal.log line, the confirmed policy followed; no root.
 */
class JournalGateTest {
  static final String WATCH_TEXT = "default: deny # watch's\n";
  static final CompiledPolicy WATCH = FakeKernel.POLICY;
  static final CompiledPolicy USER = FakeKernel.policy("-A BREAKWATER -i eth0 -j REJECT");

  private final FakeKernel kernel = new FakeKernel();
  private final StateStore store;
  private final ChangeJournal journal;
  private final ApplyTransaction transaction;
  private final List<String> timers = new ArrayList<>();

  JournalGateTest(@TempDir Path tmp) {
    store = new StateStore(tmp.resolve("state"));
    store.check();
    journal = new ChangeJournal(store, ChangeJournal.DEFAULT_KEEP);
    transaction = kernel.transaction(store);
  }

  private JournalGate gate() {
    return new JournalGate(journal, WATCH_TEXT, "/etc/breakwater/policy.yml");
  }

  /** What 'apply' does (under the lock, as ApplyCommand runs it). */
  private void apply(CompiledPolicy policy, String text, Optional<Duration> confirmWithin) {
    try (StateLock lock = StateLock.take(store)) {
      journal.apply(transaction, policy, Optional.empty(), text, confirmWithin, false, LoginSession.UNKNOWN,
          (token, wait) -> timers.add(token));
    }
  }

  private ChangeGate.Decision correct(JournalGate gate) {
    return gate.correct("interval", () -> transaction.apply(WATCH));
  }

  private String journalLog() throws Exception {
    Path log = store.file("journal.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Test
  void aCorrectionRunsUnderTheStateLockAndLeavesOneLineInTheJournalLogButNoChange() throws Exception {
    apply(USER, "user\n", Optional.empty());
    Journal before = journal.read();
    JournalGate gate = new JournalGate(journal, "user\n", "/etc/breakwater/policy.yml");
    List<Boolean> locked = new ArrayList<>();

    ChangeGate.Decision decision = gate.correct("interval", () -> {
      // The lock is this process's now: another take in this JVM overlaps it (another process would wait).
      assertThatThrownBy(() -> StateLock.take(store)).isInstanceOf(OverlappingFileLockException.class);
      locked.add(true);
      return transaction.apply(WATCH);
    });

    assertThat(locked).containsExactly(true);
    assertThat(decision).isInstanceOfSatisfying(ChangeGate.Decision.Applied.class,
        a -> assertThat(a.outcome().changed()).isTrue());
    assertThat(kernel.holds(WATCH)).isTrue();
    try (StateLock again = StateLock.take(store)) {
      assertThat(again).as("released after the correction").isNotNull();
    }
    assertThat(journal.read()).as("a correction is not a change: the journal is as it was").isEqualTo(before);
    assertThat(journalLog().lines().toList().getLast())
        .contains("watch: corrected drift (cause=interval): ipv4 +1 -1, ipv6 +1 -1; /etc/breakwater/policy.yml in force, verified;"
            + " records no change: rollback returns to the state before change #1 (confirmed)");

    try (StateLock lock = StateLock.take(store)) {
      journal.rollback(transaction, Optional.empty(), "by hand");
    }
    assertThat(kernel.save(IpFamily.V4)).as("rollback returns to the state before the last change, as documented")
        .doesNotContain("BREAKWATER");
  }

  @Test
  void aCorrectionThatChangesNothingLeavesNoLine() throws Exception {
    JournalGate gate = gate();
    correct(gate);
    String once = journalLog();

    assertThat(correct(gate)).isInstanceOfSatisfying(ChangeGate.Decision.Applied.class,
        a -> assertThat(a.outcome().changed()).isFalse());
    assertThat(journalLog()).isEqualTo(once);
    assertThat(once).contains("rollback returns to the state before the first change (none recorded yet)");
  }

  @Test
  void whileAChangeWaitsForConfirmEveryCorrectionIsDeferredAndTheFirewallLeftAsTheUserApplied() throws Exception {
    JournalGate gate = gate();
    apply(USER, "user\n", Optional.of(Duration.ofMinutes(2)));
    Journal.Change waiting = journal.read().change().orElseThrow();
    int restores = kernel.restores;

    Optional<ChangeGate.Decision.Deferred> looked = gate.look();
    ChangeGate.Decision decision = gate.correct("interval", () -> {
      throw new AssertionError("no correction while change #1 waits for confirm");
    });

    ChangeGate.Decision.Deferred expected = new ChangeGate.Decision.Deferred(1, waiting.deadline(), "waits-for-confirm");
    assertThat(looked).contains(expected);
    assertThat(decision).isEqualTo(expected);
    assertThat(waiting.deadline()).isPresent();
    assertThat(kernel.holds(USER)).isTrue();
    assertThat(kernel.restores).isEqualTo(restores);
    assertThat(journalLog()).doesNotContain("watch:");

    // The timer's rollback (its token): the state before the change, watch's next correction runs.
    try (StateLock lock = StateLock.take(store)) {
      journal.rollback(transaction, Optional.of(timers.getFirst()), "by the timer");
    }
    assertThat(gate.look()).isEmpty();
    assertThat(correct(gate)).isInstanceOfSatisfying(ChangeGate.Decision.Applied.class,
        a -> assertThat(a.after()).contains("change #1 (rolled-back)"));
    assertThat(kernel.holds(WATCH)).isTrue();
    assertThat(journalLog()).contains("watch: corrected drift (cause=interval)")
        .contains("rollback returns to the state before change #1 (rolled-back)");
  }

  @Test
  void anUnfinishedChangeDefersToo() {
    JournalGate gate = gate();
    kernel.beforeRestore = () -> {
      throw new IllegalStateException("killed between the intent and the kernel");
    };
    assertThatThrownBy(() -> apply(USER, "user\n", Optional.empty())).hasMessageContaining("killed");
    kernel.beforeRestore = () -> {};
    assertThat(journal.read().change().orElseThrow().phase()).isEqualTo(Journal.Phase.INTENT);

    assertThat(gate.look()).as("unlocked, it may be an apply or a rollback under way: the lock decides").isEmpty();
    assertThat(correct(gate)).isEqualTo(new ChangeGate.Decision.Deferred(1, Optional.empty(), "unfinished"));
  }

  @Test
  void aChangeConfirmedWithAnotherPolicyIsFollowedNotUndone() throws Exception {
    JournalGate gate = gate();
    apply(USER, "user's policy\n", Optional.of(Duration.ofMinutes(2)));
    journal.confirm(LoginSession.UNKNOWN, true);

    ChangeGate.Decision decision = correct(gate);

    assertThat(decision).isEqualTo(new ChangeGate.Decision.Follow(1, store.file("policy-000001.yml").toString(),
        "user's policy\n", true));
    assertThat(kernel.holds(USER)).as("nothing undone").isTrue();
    assertThat(journalLog()).contains("watch: keeps " + store.file("policy-000001.yml")
        + " from now on, the policy confirmed by change #1 (what boot applies), not undoing it");
    // Followed: the check compiles that policy and corrects with it from now on.
    assertThat(gate.correct("interval", () -> transaction.apply(USER))).isInstanceOf(ChangeGate.Decision.Applied.class);

    // Its rollback leaves no policy confirmed: watch keeps its own --policy again.
    try (StateLock lock = StateLock.take(store)) {
      journal.rollback(transaction, Optional.empty(), "by hand");
    }
    assertThat(correct(gate)).isEqualTo(new ChangeGate.Decision.Follow(1, "/etc/breakwater/policy.yml", WATCH_TEXT, false));
  }

  @Test
  void aConfirmOfWatchsOwnPolicyTextChangesNothingForWatch() {
    JournalGate gate = gate();
    apply(WATCH, WATCH_TEXT, Optional.empty());

    assertThat(correct(gate)).isInstanceOf(ChangeGate.Decision.Applied.class);
  }

  @Test
  void aPolicyConfirmedBeforeWatchStartedDoesNotReplaceItsOwnButIsNamed() {
    apply(USER, "user's policy\n", Optional.empty());
    JournalGate gate = gate();

    assertThat(gate.confirmedOtherThanOwn()).contains(store.file("policy-000001.yml").toString());
    assertThat(correct(gate)).isInstanceOf(ChangeGate.Decision.Applied.class);
    assertThat(kernel.holds(WATCH)).isTrue();
    assertThat(new JournalGate(journal, "user's policy\n", "p.yml").confirmedOtherThanOwn()).isEmpty();
  }
}
