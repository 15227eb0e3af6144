package dev.breakwater.policy;

import dev.breakwater.cli.CliRun;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import dev.breakwater.firewall.StateStore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verbs end to end, as a user runs them, against the firewall of a bwx namespace loaded with
 * the corpus host docker-28-ipv6: apply (proof included) with --confirm-within, confirm,
 * rollback, and an unconfirmed apply that undoes itself; and watch beside an unconfirmed change:
 * it defers its corrections while the change waits, and puts its policy back after the timer.
 */
@Tag("lab")
class PolicyVerbsLabTest {
  @TempDir Path tmp;

  static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void applyConfirmRollbackAndAnUnconfirmedApplyThatUndoesItself() throws Exception {
    RootCheck.assumeRoot("needs root to create network namespaces and load rules into them");
    Path snapshot = Corpus.dir("docker-28-ipv6");
    Path policy = Files.writeString(tmp.resolve("policy.yml"), "allow:\n  - port: 8080\n    from: [203.0.113.0/24, 2001:db8::/32]\n");
    String state = tmp.resolve("state").toString();
    try (TestNamespace ns = new TestNamespace()) {
      ns.load("iptables-restore", Files.readString(snapshot.resolve("iptables-save.txt")));
      ns.load("ip6tables-restore", Files.readString(snapshot.resolve("ip6tables-save.txt")));
      String v4 = ns.save("iptables-save");
      String v6 = ns.save("ip6tables-save");

      CliRun plan = run("plan", "--policy", policy.toString(), "--from", snapshot.toString(), "--netns", ns.name);
      assertThat(plan.exit()).as(plan.out() + plan.err()).isZero();
      assertThat(ns.save("iptables-save")).as("plan changes nothing").isEqualTo(v4);

      CliRun apply = run("apply", "--policy", policy.toString(), "--from", snapshot.toString(),
          "--netns", ns.name, "--state-dir", state, "--confirm-within", "10m");
      assertThat(apply.exit()).as(apply.out() + apply.err()).isZero();
      assertThat(apply.out()).contains("The proof holds").contains("Applied").contains("breakwater confirm");
      assertThat(ns.save("iptables-save")).contains("-A DOCKER-USER -j BREAKWATER")
          .contains("-A BREAKWATER -s 203.0.113.0/24 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN");
      assertThat(ns.save("ip6tables-save")).contains("-A BREAKWATER -s 2001:db8::/32 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN");

      CliRun sameSession = run("confirm", "--state-dir", state);
      assertThat(sameSession.exit()).as("the test's own session applied it").isEqualTo(dev.breakwater.cli.ExitCodes.FINDINGS);
      assertThat(sameSession.err()).contains("confirm refused: this is the session that applied change #1");
      assertThat(run("confirm", "--state-dir", state, "--same-session").out()).contains("Confirmed");
      CliRun again = run("apply", "--policy", policy.toString(), "--from", snapshot.toString(), "--netns", ns.name, "--state-dir", state);
      assertThat(again.out()).contains("Nothing to change");

      CliRun rollback = run("rollback", "--netns", ns.name, "--state-dir", state);
      assertThat(rollback.exit()).as(rollback.err()).isZero();
      assertThat(ns.save("iptables-save")).isEqualTo(v4);
      assertThat(ns.save("ip6tables-save")).isEqualTo(v6);

      CliRun unconfirmed = run("apply", "--policy", policy.toString(), "--from", snapshot.toString(),
          "--netns", ns.name, "--state-dir", state, "--confirm-within", "2s");
      assertThat(unconfirmed.exit()).as(unconfirmed.err()).isZero();
      assertThat(ns.save("iptables-save")).isNotEqualTo(v4);
      StateStore store = new StateStore(tmp.resolve("state"));
      for (int i = 0; i < 600 && !(dev.breakwater.firewall.TestChanges.last(store).orElseThrow().phase()
          == dev.breakwater.firewall.Journal.Phase.ROLLED_BACK && ns.save("iptables-save").equals(v4)); i++) {
        Thread.sleep(100);
      }
      assertThat(ns.save("iptables-save")).as("rolled back by itself; timer log:\n" + Files.readString(store.timerLog())).isEqualTo(v4);
      assertThat(ns.save("ip6tables-save")).isEqualTo(v6);
      assertThat(Files.readString(store.timerLog())).contains("Rolled back change #");
    }
  }

  /**
   * watch (a child process: the state lock is a process's) started while a change made with
   * --confirm-within waits: it does not undo the change during the wait (correction-deferred),
   * and once the timer has rolled it back its next correction puts watch's policy in force and
   * says so in journal.log, the journal's last change staying the rolled-back one.
   */
  @Test
  void watchDefersItsCorrectionsWhileAChangeWaitsForConfirmAndPutsItsPolicyBackAfterTheTimer() throws Exception {
    RootCheck.assumeRoot("needs root to create network namespaces and load rules into them");
    Path snapshot = Corpus.dir("docker-28-ipv6");
    Path users = Files.writeString(tmp.resolve("users.yml"), "allow:\n  - port: 8080\n    from: 198.51.100.0/24\n");
    Path watchs = Files.writeString(tmp.resolve("watch.yml"), "allow:\n  - port: 8080\n    from: 203.0.113.0/24\n");
    String usersRule = "-A BREAKWATER -s 198.51.100.0/24 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN";
    String watchsRule = "-A BREAKWATER -s 203.0.113.0/24 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN";
    String state = tmp.resolve("state").toString();
    StateStore store = new StateStore(tmp.resolve("state"));
    Path log = tmp.resolve("watch.log");
    Process watch = null;
    try (TestNamespace ns = new TestNamespace()) {
      ns.load("iptables-restore", Files.readString(snapshot.resolve("iptables-save.txt")));
      ns.load("ip6tables-restore", Files.readString(snapshot.resolve("ip6tables-save.txt")));
      CliRun apply = run("apply", "--policy", users.toString(), "--from", snapshot.toString(),
          "--netns", ns.name, "--state-dir", state, "--confirm-within", "40s");
      assertThat(apply.exit()).as(apply.out() + apply.err()).isZero();
      assertThat(ns.save("iptables-save")).contains(usersRule);

      java.util.List<String> command = new java.util.ArrayList<>(dev.breakwater.cli.Main.selfCommand());
      command.addAll(java.util.List.of("watch", "--policy", watchs.toString(), "--from", snapshot.toString(), "--netns", ns.name,
          "--state-dir", state, "--interval", "1s"));
      watch = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(tmp.resolve("watch.err").toFile()).start();
      for (int i = 0; i < 400 && !Files.readString(log).contains("event=correction-deferred"); i++) {
        Thread.sleep(100);
      }
      String during = Files.readString(log);
      assertThat(during).as(during + Files.readString(tmp.resolve("watch.err")))
          .contains("event=correction-deferred change=1 deadline=").contains("reason=waits-for-confirm");
      assertThat(dev.breakwater.firewall.TestChanges.last(store).orElseThrow().phase()).as("still during the wait")
          .isEqualTo(dev.breakwater.firewall.Journal.Phase.UNCONFIRMED);
      Thread.sleep(2500); // two more interval checks, deferred too
      assertThat(ns.save("iptables-save")).as("watch left the change alone during the wait").contains(usersRule).doesNotContain(watchsRule);
      assertThat(during).doesNotContain("event=drift-corrected");

      for (int i = 0; i < 900 && !(ns.save("iptables-save").contains(watchsRule) && Files.readString(log).contains("event=drift-corrected")); i++) {
        Thread.sleep(100);
      }
      String after = Files.readString(log);
      assertThat(ns.save("iptables-save")).as("watch's policy after the timer; watch log:\n" + after + "timer log:\n"
          + Files.readString(store.timerLog())).contains(watchsRule).doesNotContain(usersRule);
      assertThat(Files.readString(store.timerLog())).contains("Rolled back change #1");
      assertThat(after).contains("event=correction-resumed change=1 found=corrected").contains("event=drift-corrected");
      assertThat(after.indexOf("event=drift-corrected")).isGreaterThan(after.indexOf("event=correction-deferred"));
      java.util.List<String> journalLog = Files.readString(store.file("journal.log")).lines().toList();
      assertThat(journalLog.getLast()).as(String.join("\n", journalLog)).contains("watch: corrected drift (cause=interval): ipv4 +")
          .contains(watchs + " in force, verified; records no change: rollback returns to the state before change #1 (rolled-back)");
      assertThat(dev.breakwater.firewall.TestChanges.last(store).orElseThrow().phase()).as("a correction is no change")
          .isEqualTo(dev.breakwater.firewall.Journal.Phase.ROLLED_BACK);
    } finally {
      if (watch != null) {
        watch.destroy();
        if (!watch.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          watch.destroyForcibly().waitFor();
        }
      }
    }
  }

  @Test
  void theProofBeforeAChangeReadsTheLiveSetsOfTheCurrentChain() throws Exception {
    RootCheck.assumeRoot("needs root to create network namespaces and load rules into them");
    Required.that(Files.isExecutable(Path.of("/usr/sbin/ipset")) || Files.isExecutable(Path.of("/sbin/ipset")),
        "needs the ipset tool (Debian package ipset)");
    Path snapshot = Corpus.dir("docker-28-ipv6");
    StringBuilder yaml = new StringBuilder("ipset-threshold: 2\nallow:\n  - port: 8080\n    from: [");
    for (int i = 0; i < 8; i++) {
      yaml.append(i > 0 ? ", " : "").append("198.51.100.").append(i * 32).append("/28");
    }
    Path large = Files.writeString(tmp.resolve("large.yml"), yaml.append("]\n").toString());
    Path small = Files.writeString(tmp.resolve("small.yml"), "allow:\n  - port: 8080\n    from: 198.51.100.0/25\n");
    String state = tmp.resolve("state").toString();
    try (TestNamespace ns = new TestNamespace()) {
      ns.load("iptables-restore", Files.readString(snapshot.resolve("iptables-save.txt")));
      ns.load("ip6tables-restore", Files.readString(snapshot.resolve("ip6tables-save.txt")));
      CliRun first = run("apply", "--policy", large.toString(), "--from", snapshot.toString(), "--netns", ns.name, "--state-dir", state);
      assertThat(first.exit()).as(first.out() + first.err()).isZero();

      CliRun plan = run("plan", "--policy", small.toString(), "--from", snapshot.toString(), "--netns", ns.name);

      assertThat(plan.exit()).as(plan.out() + plan.err()).isZero();
      assertThat(plan.out()).contains("web 0.0.0.0:8080/tcp\n    before: 198.51.100.0/28, 198.51.100.32/28, 198.51.100.64/28, 198.51.100.96/28, 198.51.100.128/28")
          .contains("198.51.100.224/28\n    after:  198.51.100.0/25\n");
    }
  }

  @Test
  void watchAppliesAtStartThenFindsNothingToDoOnTheNextTick() throws Exception {
    RootCheck.assumeRoot("needs root to create network namespaces and load rules into them");
    Path snapshot = Corpus.dir("docker-28-ipv6");
    Path policy = Files.writeString(tmp.resolve("policy.yml"), "allow:\n  - port: 8080\n    from: 203.0.113.0/24\n");
    int port;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    try (TestNamespace ns = new TestNamespace()) {
      ns.load("iptables-restore", Files.readString(snapshot.resolve("iptables-save.txt")));
      ns.load("ip6tables-restore", Files.readString(snapshot.resolve("ip6tables-save.txt")));

      CliRun watch = run("watch", "--policy", policy.toString(), "--from", snapshot.toString(), "--netns", ns.name,
          "--state-dir", tmp.resolve("state").toString(), "--interval", "1s", "--checks", "2", "--metrics", "127.0.0.1:" + port);

      assertThat(watch.exit()).as(watch.err()).isZero();
      // watch logs changes only (docs/watch.md): the start-up apply, one line per family, and
      // nothing for the second check, which found the policy in force.
      java.util.List<String> lines = watch.out().lines().toList();
      assertThat(lines.getFirst()).contains("event=watch-started");
      assertThat(lines).filteredOn(l -> l.contains("event=drift-corrected")).isNotEmpty()
          .allSatisfy(l -> assertThat(l).contains("cause=startup"));
      assertThat(lines).noneMatch(l -> l.contains("cause=interval"));
      assertThat(lines.getLast()).contains("event=watch-stopped reason=checks");
      assertThat(ns.save("iptables-save")).contains("-A DOCKER-USER -j BREAKWATER");
    }
  }
}
