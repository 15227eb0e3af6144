package dev.breakwater.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.problem.EnvironmentProblem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JournalTest {
  private static final Journal.Change CHANGE = new Journal.Change(7, "tok-1", Journal.Phase.UNCONFIRMED, FirewallBackend.NFT,
      Instant.parse("2026-01-02T03:04:05Z"), Optional.of(Instant.parse("2026-01-02T03:06:05Z")),
      new LoginSession("198.51.100.7 50022 198.51.100.1 22", "812@2026-01-02T03:00:00Z", 34816, 812), "b00t",
      List.of("backup-000007-nft.nft"), "policy-000007.yml", Optional.of("policy-000005.yml"), "in force\nverified");

  @Test
  void itReadsBackWhatItWrites() {
    Journal journal = new Journal(7, Optional.of(CHANGE), Optional.of("policy-000005.yml"),
        Map.of("backup-000007-nft.nft", "a".repeat(64)));
    Journal back = Journal.parse(journal.text(), "journal");
    assertThat(back).isEqualTo(journal);
    assertThat(back.change().orElseThrow().note()).as("one line per value").isEqualTo("in force verified");
    assertThat(Journal.parse(Journal.EMPTY.text(), "journal")).isEqualTo(Journal.EMPTY);
  }

  @Test
  void aJournalItDidNotWriteIsOneLineNamingTheFile() {
    assertThatThrownBy(() -> Journal.parse("sequence=1\nwhat\n", "/var/lib/breakwater/journal"))
        .isInstanceOf(EnvironmentProblem.class)
        .hasMessage("/var/lib/breakwater/journal:2: expected key=value; not a journal this Breakwater wrote: move it aside"
            + " (mv /var/lib/breakwater/journal /var/lib/breakwater/journal.bad) and apply again");
    assertThatThrownBy(() -> Journal.parse("sequence=1\nchange.sequence=1\nchange.token=t\nchange.phase=MAYBE\n", "j"))
        .isInstanceOf(EnvironmentProblem.class).hasMessageStartingWith("j: not a journal this Breakwater wrote");
    assertThatThrownBy(() -> Journal.parse("sha256.backup-000001-v4.rules=xyz\n", "j"))
        .hasMessage("j:1: expected a SHA-256 in hex; not a journal this Breakwater wrote: move it aside (mv j j.bad) and apply again");
  }

  @Test
  void sessionsAreTheSameByTheirStrongestSharedFact() {
    LoginSession applied = new LoginSession("198.51.100.7 50022 198.51.100.1 22", "812@t", 34816, 812);
    assertThat(applied.sameAs(applied)).isTrue();
    assertThat(applied.sameAs(new LoginSession("", "812@t", 0, 0))).as("sudo cleared SSH_CONNECTION; sshd is the same").isTrue();
    assertThat(applied.sameAs(new LoginSession("198.51.100.7 50100 198.51.100.1 22", "900@t", 34817, 900))).isFalse();
    // Ansible's connections one after another each get /dev/pts/1 (seen with ansible-core 2.14):
    // a reused terminal number is not the same session when the SSH connection differs.
    assertThat(applied.sameAs(new LoginSession("198.51.100.7 50100 198.51.100.1 22", "", 34816, 900))).isFalse();
    LoginSession console = new LoginSession("", "", 34816, 812);
    assertThat(console.sameAs(new LoginSession("", "", 34816, 812))).as("a console: terminal and session").isTrue();
    assertThat(console.sameAs(new LoginSession("", "", 34816, 0))).as("a terminal number alone is reused").isFalse();
    assertThat(new LoginSession("", "", 0, 812).sameAs(new LoginSession("", "", 0, 812))).as("no terminal: the session").isTrue();
    assertThat(LoginSession.UNKNOWN.sameAs(LoginSession.UNKNOWN)).as("nothing known: cannot tell, not the same").isFalse();
    // A container's PID namespace: the session leader is outside it, so the kernel reports session 0.
    LoginSession exec = new LoginSession("", "", 0, 0, "41@2026-12-02T09:30:00Z");
    assertThat(exec.sameAs(new LoginSession("", "", 0, 0, "41@2026-12-02T09:30:00Z"))).as("one docker exec").isTrue();
    assertThat(exec.sameAs(new LoginSession("", "", 0, 0, "57@2026-12-02T09:31:00Z"))).as("a second docker exec").isFalse();
    assertThat(exec.describe()).isEqualTo("process tree of 41@2026-12-02T09:30:00Z");
  }

  @Test
  void theCurrentSessionIsWhatPsReports() throws Exception {
    Process ps = new ProcessBuilder("ps", "-o", "sess=", "-p", Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
    String out = new String(ps.getInputStream().readAllBytes()).strip();
    assertThat(ps.waitFor()).as(out).isZero();
    LoginSession current = LoginSession.current();
    assertThat(current.sessionId()).isEqualTo(Long.parseLong(out));
    assertThat(current.sessionId() != 0 || !current.origin().isEmpty()).as("a session, or where the process tree entered").isTrue();
    assertThat(current.sameAs(LoginSession.current())).as("this process is its own session").isTrue();
  }
}
