package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.firewall.ChangeJournal;
import dev.breakwater.firewall.FakeKernel;
import dev.breakwater.firewall.LoginSession;
import dev.breakwater.firewall.StateLock;
import dev.breakwater.firewall.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** confirm and rollback as a user runs them, on a journal a fake-kernel apply wrote in a temporary state directory. */
class ConfirmCommandTest {
  @TempDir Path tmp;
  private final List<String> timers = new ArrayList<>();

  private StateStore unconfirmedChange(LoginSession session) {
    StateStore store = new StateStore(tmp.resolve("state"));
    try (StateLock lock = StateLock.take(store)) {
      new ChangeJournal(store, ChangeJournal.DEFAULT_KEEP).apply(new FakeKernel().transaction(store), FakeKernel.POLICY,
          Optional.empty(), "default: deny\n", Optional.of(Duration.ofMinutes(2)), false, session, (token, wait) -> timers.add(token));
    }
    return store;
  }

  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--state-dir", tmp.resolve("state").toString()));
    return CliRun.of(all);
  }

  @Test
  void confirmFromTheSessionThatAppliedIsRefusedUntilTheUserSaysItIsNew() {
    unconfirmedChange(LoginSession.current());

    CliRun same = run("confirm");
    assertThat(same.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(same.err().strip()).startsWith("breakwater: confirm refused: this is the session that applied change #1")
        .contains("open a NEW SSH connection to this host and run 'sudo breakwater confirm' there").doesNotContain("\n");

    CliRun override = run("confirm", "--same-session");
    assertThat(override.exit()).as(override.err()).isZero();
    assertThat(override.out()).contains("Confirmed change #1: the applied policy stays in force, and is what boot applies.");
    assertThat(run("confirm").out()).contains("Nothing to confirm: change #1").contains("is confirmed already");
  }

  @Test
  void confirmAfterTheTimerFiredSaysTheChangeWasRolledBackAndExitsOne() {
    unconfirmedChange(LoginSession.UNKNOWN);
    StateStore store = new StateStore(tmp.resolve("state"));
    try (StateLock lock = StateLock.take(store)) {
      new ChangeJournal(store, ChangeJournal.DEFAULT_KEEP).rollback(new FakeKernel().transaction(store), Optional.of(timers.getFirst()),
          "by the timer (not confirmed in time)");
    }

    CliRun r = run("confirm");

    assertThat(r.exit()).isEqualTo(ExitCodes.FINDINGS);
    assertThat(r.err()).contains("change #1 (applied ").contains("was rolled back: rolled back by the timer (not confirmed in time)")
        .contains("it is NOT in force").doesNotContain("Nothing to confirm");
  }

  @Test
  void anOldTimerLeavesALaterChangeAlone() {
    unconfirmedChange(LoginSession.UNKNOWN);
    CliRun r = run("rollback", "--if-unconfirmed", "0f0f0f0f-0000-0000-0000-000000000000");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("change 0f0f0f0f-0000-0000-0000-000000000000 was confirmed, rolled back or superseded: nothing to roll"
        + " back (change #1 is unconfirmed)");
  }

  @Test
  void aPlantedBackupIsRefusedAsOneLineExitTwoBeforeTheFirewallIsTouched() throws IOException {
    StateStore store = unconfirmedChange(LoginSession.UNKNOWN);
    Files.writeString(store.file("backup-000001-v4.rules"), "*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j ACCEPT\nCOMMIT\n");

    CliRun r = run("rollback");

    assertThat(r.exit()).isEqualTo(ExitCodes.ENVIRONMENT);
    assertThat(r.err().strip()).startsWith("breakwater: change #1's backup " + store.file("backup-000001-v4.rules")
        + " does not match the SHA-256 the journal recorded").doesNotContain("\n").doesNotContain("Exception");
  }

  @Test
  void anUntrustworthyStateDirectoryOrJournalIsOneLineExitTwo() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("state"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    CliRun open = run("confirm");
    assertThat(open.exit()).isEqualTo(ExitCodes.ENVIRONMENT);
    assertThat(open.err().strip()).isEqualTo("breakwater: state directory " + dir + " is writable by others (mode rwxrwx---): anyone"
        + " who can write there decides what a rollback restores; run: chmod 0700 " + dir);

    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(dir.resolve("journal"), "garbage\n");
    CliRun corrupt = run("rollback");
    assertThat(corrupt.exit()).isEqualTo(ExitCodes.ENVIRONMENT);
    assertThat(corrupt.err().strip()).startsWith("breakwater: " + dir.resolve("journal") + ":1: expected key=value").doesNotContain("\n");
  }
}
