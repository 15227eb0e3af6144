package dev.breakwater.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.net.IpFamily;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.problem.EnvironmentProblem;
import dev.breakwater.system.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journaled apply, confirm, rollback, timer and boot, on a fake kernel with faults injected; no root needed. */
class ChangeJournalTest {
  private final Path tmp;

  private final FakeKernel kernel = new FakeKernel();
  private final List<String> timers = new ArrayList<>();
  private final ChangeJournal.TimerStart timer = (token, wait) -> timers.add(token);
  /** Set by a test: the state file whose writes fail from now on ("disk full"). */
  private String failing = "";

  private StateStore store() {
    return new StateStore(tmp.resolve("state"), (file, content) -> {
      if (file.getFileName().toString().equals(failing)) {
        throw new IOException("No space left on device");
      }
      AtomicFile.write(file, content);
    });
  }

  private final StateStore store;
  private final ChangeJournal journal;
  private final ApplyTransaction transaction;
  private final String original = kernel.save(IpFamily.V4);

  ChangeJournalTest(@TempDir Path tmp) {
    this.tmp = tmp;
    this.store = store();
    this.journal = new ChangeJournal(store, 3, "boot-1");
    this.transaction = kernel.transaction(store);
  }

  private ChangeJournal.Applied apply(CompiledPolicy policy, Optional<Duration> confirm, boolean replace) {
    store.check();
    return journal.apply(transaction, policy, Optional.empty(), "default: deny\n", confirm, replace, LoginSession.UNKNOWN, timer);
  }

  private Journal.Change last() {
    return journal.read().change().orElseThrow();
  }

  @Test
  void theIntentIsOnDiskBeforeTheKernelIsTouchedAndCompletedAfterTheVerify() {
    List<Journal> seen = new ArrayList<>();
    kernel.beforeRestore = () -> seen.add(journal.read());

    ChangeJournal.Applied applied = apply(FakeKernel.POLICY, Optional.empty(), false);

    assertThat(kernel.holds(FakeKernel.POLICY)).isTrue();
    Journal atFirstRestore = seen.getFirst();
    Journal.Change intent = atFirstRestore.change().orElseThrow();
    assertThat(intent.phase()).isEqualTo(Journal.Phase.INTENT);
    assertThat(intent.backups()).containsExactly("backup-000001-v4.rules", "backup-000001-v6.rules");
    assertThat(atFirstRestore.checksums()).containsEntry("backup-000001-v4.rules", StateStore.sha256(original));
    assertThat(applied.change().orElseThrow().phase()).isEqualTo(Journal.Phase.CONFIRMED);
    assertThat(journal.read().confirmedPolicy()).contains("policy-000001.yml");
    assertThat(timers).isEmpty();
  }

  @Test
  void aJournalThatCannotBeWrittenBeforeTheKernelChangesNothing() {
    failing = "journal";
    assertThatThrownBy(() -> apply(FakeKernel.POLICY, Optional.empty(), false))
        .isInstanceOf(ApplyException.class)
        .hasMessageContaining("cannot record the change before touching the firewall: cannot write " + store.dir() + "/journal: No space left")
        .hasMessageEndingWith("Nothing was changed.");
    assertThat(kernel.restores).isZero();
  }

  @Test
  void aPlainApplyWhoseJournalCannotBeCompletedPutsTheOldRulesBackAndSaysSo() {
    kernel.beforeRestore = () -> failing = "journal"; // the intent is written; the completion hits a full disk

    assertThatThrownBy(() -> apply(FakeKernel.POLICY, Optional.empty(), false))
        .isInstanceOf(ApplyException.class)
        .hasMessageStartingWith("the new policy was in force and verified, but the journal could not record it: cannot write")
        .hasMessageContaining("the change was undone: the previous rules are back in force")
        .hasMessageNotContaining("as it was");
    assertThat(kernel.save(IpFamily.V4)).isEqualTo(original);
    assertThat(last().phase()).as("the journal still says: begun, not finished").isEqualTo(Journal.Phase.INTENT);
  }

  @Test
  void aRollbackRecordsItsIntentFirstAndARollbackCutOffBeforeItsJournalSaysWhatIsInForce() {
    apply(FakeKernel.POLICY, Optional.empty(), false);
    List<Journal> seen = new ArrayList<>();
    kernel.beforeRestore = () -> {
      seen.add(journal.read());
      failing = "journal"; // the disk fills while the kernel is being changed (FaultInjectionLabTest found it)
    };

    assertThatThrownBy(() -> journal.rollback(transaction, Optional.empty(), "by hand"))
        .isInstanceOf(ApplyException.class)
        .hasMessageStartingWith("the rollback is done: the rules from before change #1 are in force, but the journal could not record it:")
        .hasMessageContaining("run 'breakwater rollback' again");

    assertThat(seen.getFirst().change().orElseThrow().phase()).as("on disk before the kernel was touched").isEqualTo(Journal.Phase.INTENT);
    assertThat(kernel.save(IpFamily.V4)).isEqualTo(original);
    assertThat(last().phase()).as("unfinished, never 'confirmed' while the kernel holds the backup").isEqualTo(Journal.Phase.INTENT);
    assertThat(journal.read().confirmedPolicy()).as("what boot applies is no longer the rolled-back policy").isEmpty();
    failing = "";
    kernel.beforeRestore = () -> {};
    assertThat(journal.rollback(transaction, Optional.empty(), "again").change().orElseThrow().phase()).isEqualTo(Journal.Phase.ROLLED_BACK);
    assertThat(kernel.save(IpFamily.V4)).isEqualTo(original);
  }

  @Test
  void aRollbackWhoseIntentCannotBeWrittenChangesNothing() {
    apply(FakeKernel.POLICY, Optional.empty(), false);
    int restores = kernel.restores;
    failing = "journal";

    assertThatThrownBy(() -> journal.rollback(transaction, Optional.empty(), "by hand"))
        .isInstanceOf(ApplyException.class)
        .hasMessageStartingWith("cannot record the rollback before touching the firewall: cannot write")
        .hasMessageEndingWith("nothing was changed: change #1 is still in force");
    assertThat(kernel.restores).isEqualTo(restores);
    assertThat(kernel.holds(FakeKernel.POLICY)).isTrue();
    assertThat(last().phase()).isEqualTo(Journal.Phase.CONFIRMED);
  }

  @Test
  void anUnconfirmedApplyWhoseJournalCannotBeCompletedKeepsItsTimerArmedAndSaysSo() {
    kernel.beforeRestore = () -> failing = "journal";

    assertThatThrownBy(() -> apply(FakeKernel.POLICY, Optional.of(Duration.ofMinutes(2)), false))
        .isInstanceOf(ApplyException.class)
        .hasMessageStartingWith("the new policy is in force and verified, and its rollback timer is armed (it rolls the change back at ")
        .hasMessageContaining("but the journal could not be completed: cannot write");
    assertThat(kernel.holds(FakeKernel.POLICY)).isTrue();
    assertThat(timers).hasSize(1);

    // The timer matches the unfinished change by its token and puts the old rules back.
    kernel.beforeRestore = () -> {};
    failing = "";
    ChangeJournal.RolledBack back = journal.rollback(transaction, Optional.of(timers.getFirst()), "by the timer");
    assertThat(back.families()).containsExactly(IpFamily.V4, IpFamily.V6);
    assertThat(kernel.save(IpFamily.V4)).isEqualTo(original);
  }

  @Test
  void aTimerThatCannotStartUndoesTheChange() {
    ChangeJournal.TimerStart broken = (token, wait) -> {
      throw new ApplyException("cannot start the rollback timer: setsid is not installed (util-linux)");
    };
    store.check();
    assertThatThrownBy(() -> journal.apply(transaction, FakeKernel.POLICY, Optional.empty(), "p", Optional.of(Duration.ofMinutes(1)),
        false, LoginSession.UNKNOWN, broken))
        .hasMessage("cannot start the rollback timer: setsid is not installed (util-linux); the change was undone: the previous rules"
            + " are back in force");
    assertThat(kernel.save(IpFamily.V4)).isEqualTo(original);
    assertThat(last().phase()).isEqualTo(Journal.Phase.ROLLED_BACK);
  }

  @Test
  void aFailedRestoreWhosePutBackFailsTooIsRecordedAsFailedWithWhatIsInForce() {
    kernel.failRestore = text -> kernel.restores > 1; // the IPv4 commit goes in, everything after fails

    assertThatThrownBy(() -> apply(FakeKernel.POLICY, Optional.empty(), false))
        .hasMessageContaining("putting the previous rules back ALSO failed");
    assertThat(last().phase()).isEqualTo(Journal.Phase.FAILED);
    assertThat(last().note()).contains("apply failed and the put-back failed");
  }

  @Test
  void aFailedRestoreWithThePreviousRulesBackIsRecordedAsRolledBack() {
    kernel.failRestore = text -> kernel.restores == 2;

    assertThatThrownBy(() -> apply(FakeKernel.POLICY, Optional.empty(), false))
        .hasMessageContaining("the previous rules are back in force");
    assertThat(kernel.save(IpFamily.V4)).isEqualTo(original);
    assertThat(last().phase()).isEqualTo(Journal.Phase.ROLLED_BACK);
  }

  @Test
  void anApplyAfterAnUnconfirmedOneIsRefusedOrSupersedesIt() {
    apply(FakeKernel.POLICY, Optional.of(Duration.ofMinutes(5)), false);
    String firstTimer = timers.getFirst();
    CompiledPolicy stricter = FakeKernel.policy("-A BREAKWATER -j DROP");

    assertThatThrownBy(() -> apply(stricter, Optional.empty(), false))
        .hasMessageContaining("apply refused: change #1")
        .hasMessageContaining("--replace-unconfirmed")
        .hasMessageEndingWith("nothing was changed");
    assertThat(kernel.holds(FakeKernel.POLICY)).isTrue();

    ChangeJournal.Applied second = apply(stricter, Optional.empty(), true);
    assertThat(second.superseded().orElseThrow().sequence()).isEqualTo(1);
    assertThat(second.change().orElseThrow().backups()).as("it rolls back to the last confirmed state")
        .containsExactly("backup-000001-v4.rules", "backup-000001-v6.rules");

    // The first change's timer wakes: not its change any more.
    ChangeJournal.RolledBack woke = journal.rollback(transaction, Optional.of(firstTimer), "by the timer");
    assertThat(woke.families()).isEmpty();
    assertThat(woke.message()).contains("confirmed, rolled back or superseded").contains("change #2 is confirmed");
    assertThat(kernel.holds(stricter)).isTrue();

    assertThat(journal.rollback(transaction, Optional.empty(), "by hand").families()).containsExactly(IpFamily.V4, IpFamily.V6);
    assertThat(kernel.save(IpFamily.V4)).as("back to before the unconfirmed change").isEqualTo(original);
  }

  @Test
  void confirmAfterTheTimerFiredSaysItWasRolledBack() {
    apply(FakeKernel.POLICY, Optional.of(Duration.ofSeconds(1)), false);
    journal.rollback(transaction, Optional.of(timers.getFirst()), "by the timer (not confirmed in time)");

    assertThatThrownBy(() -> journal.confirm(LoginSession.UNKNOWN, false))
        .isInstanceOf(ApplyException.class)
        .hasMessageStartingWith("change #1 (applied ")
        .hasMessageContaining("was rolled back: rolled back by the timer (not confirmed in time)")
        .hasMessageContaining("it is NOT in force");
    assertThat(journal.read().confirmedPolicy()).isEmpty();
  }

  @Test
  void confirmFromTheSessionThatAppliedIsRefusedUnlessTheUserSaysSo() {
    LoginSession applying = new LoginSession("198.51.100.7 50022 198.51.100.1 22", "", 34816, 4242);
    store.check();
    journal.apply(transaction, FakeKernel.POLICY, Optional.empty(), "p", Optional.of(Duration.ofMinutes(2)), false, applying, timer);

    assertThatThrownBy(() -> journal.confirm(applying, false))
        .hasMessageContaining("confirm refused: this is the session that applied change #1 (SSH connection 198.51.100.7 50022")
        .hasMessageContaining("open a NEW SSH connection").hasMessageContaining("--same-session");
    assertThat(last().phase()).isEqualTo(Journal.Phase.UNCONFIRMED);

    LoginSession fresh = new LoginSession("198.51.100.7 50100 198.51.100.1 22", "", 34817, 5151);
    assertThat(journal.confirm(fresh, false).message()).startsWith("Confirmed change #1");
    assertThat(last().phase()).isEqualTo(Journal.Phase.CONFIRMED);
    assertThat(journal.read().confirmedPolicy()).contains("policy-000001.yml");
    assertThat(journal.rollback(transaction, Optional.of(timers.getFirst()), "by the timer").families()).isEmpty();
    assertThat(kernel.holds(FakeKernel.POLICY)).isTrue();
  }

  @Test
  void aRebootNeverKeepsAnUnconfirmedChange() throws IOException {
    apply(FakeKernel.POLICY, Optional.empty(), false); // change #1, confirmed
    Files.writeString(tmp.resolve("given.yml"), "default: deny\n");
    apply(FakeKernel.policy("-A BREAKWATER -j DROP"), Optional.of(Duration.ofMinutes(2)), false); // #2, unconfirmed

    ChangeJournal afterReboot = new ChangeJournal(store, 3, "boot-2");
    ChangeJournal.BootChoice choice = afterReboot.atBoot(tmp.resolve("given.yml"));

    assertThat(choice.policy()).contains(store.file("policy-000001.yml"));
    // The text boot parses is the one checked against the journal's SHA-256, not a second read.
    assertThat(choice.confirmedText()).contains(Files.readString(store.file("policy-000001.yml")));
    assertThat(choice.message()).startsWith("applying the last confirmed policy");
    assertThat(last().phase()).isEqualTo(Journal.Phase.ROLLED_BACK);
    assertThat(last().note()).isEqualTo("not confirmed before the reboot; boot applied the last confirmed policy");
    assertThat(Files.readString(store.file("journal.log"))).contains("boot: change #2 was not confirmed before the reboot: not applied");
    assertThatThrownBy(() -> afterReboot.confirm(LoginSession.UNKNOWN, true)).hasMessageContaining("was rolled back");
  }

  @Test
  void aRestartOfTheUnitInTheSameBootLeavesAWaitingChangeToItsTimer() throws IOException {
    apply(FakeKernel.POLICY, Optional.of(Duration.ofMinutes(2)), false);
    ChangeJournal.BootChoice choice = journal.atBoot(tmp.resolve("given.yml"));
    assertThat(choice.policy()).isEmpty();
    assertThat(choice.message()).contains("change #1 waits for confirm in this boot");
    assertThat(last().phase()).isEqualTo(Journal.Phase.UNCONFIRMED);
  }

  @Test
  void theFirstBootAppliesTheGivenPolicyAndABootWithNothingConfirmedAppliesNothing() {
    Path given = tmp.resolve("given.yml");
    assertThat(journal.atBoot(given).policy()).contains(given);
    assertThat(journal.atBoot(given).confirmedText()).isEmpty();
    apply(FakeKernel.POLICY, Optional.of(Duration.ofMinutes(2)), false);
    ChangeJournal.BootChoice choice = new ChangeJournal(store, 3, "boot-2").atBoot(given);
    assertThat(choice.policy()).isEmpty();
    assertThat(choice.message()).startsWith("no policy was ever confirmed: nothing applied");
  }

  @Test
  void aTamperedOrPlantedBackupIsRefused() throws IOException {
    apply(FakeKernel.POLICY, Optional.empty(), false);
    Files.writeString(store.file("backup-000001-v4.rules"), original.replace("-A DOCKER-USER -j RETURN", "-A DOCKER-USER -j ACCEPT"));
    int restores = kernel.restores;

    assertThatThrownBy(() -> journal.rollback(transaction, Optional.empty(), "by hand"))
        .isInstanceOf(EnvironmentProblem.class)
        .hasMessageContaining("change #1's backup " + store.file("backup-000001-v4.rules")
            + " does not match the SHA-256 the journal recorded when it was written: it was planted or changed since; refusing");
    assertThat(kernel.restores).isEqualTo(restores);
    assertThat(kernel.holds(FakeKernel.POLICY)).isTrue();
  }

  @Test
  void onlyTheLastNChangesKeepTheirFiles() {
    for (int i = 0; i < 5; i++) {
      apply(FakeKernel.policy("-A BREAKWATER -p tcp --dport " + (1000 + i) + " -j DROP"), Optional.empty(), false);
    }
    assertThat(store.names("backup-")).containsExactly("backup-000003-v4.rules", "backup-000003-v6.rules",
        "backup-000004-v4.rules", "backup-000004-v6.rules", "backup-000005-v4.rules", "backup-000005-v6.rules");
    assertThat(store.names("policy-")).containsExactly("policy-000003.yml", "policy-000004.yml", "policy-000005.yml");
    assertThat(journal.read().checksums()).containsOnlyKeys(List.of("backup-000003-v4.rules", "backup-000003-v6.rules",
        "backup-000004-v4.rules", "backup-000004-v6.rules", "backup-000005-v4.rules", "backup-000005-v6.rules",
        "policy-000003.yml", "policy-000004.yml", "policy-000005.yml"));
    assertThat(journal.rollback(transaction, Optional.empty(), "by hand").families()).hasSize(2);
    assertThat(kernel.holds(FakeKernel.policy("-A BREAKWATER -p tcp --dport 1003 -j DROP"))).isTrue();
  }

  @Test
  void rollingBackAConfirmedChangeConfirmsThePolicyBeforeIt() {
    apply(FakeKernel.POLICY, Optional.empty(), false);
    apply(FakeKernel.policy("-A BREAKWATER -j DROP"), Optional.empty(), false);
    assertThat(journal.read().confirmedPolicy()).contains("policy-000002.yml");

    journal.rollback(transaction, Optional.empty(), "by hand");

    assertThat(kernel.holds(FakeKernel.POLICY)).isTrue();
    assertThat(journal.read().confirmedPolicy()).contains("policy-000001.yml");
    assertThat(journal.rollback(transaction, Optional.empty(), "by hand").message()).contains("was rolled back already");
  }
}
