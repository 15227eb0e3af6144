package dev.breakwater.firewall;

import dev.breakwater.system.RootCheck;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.NetworkNamespace;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.system.TestNamespace;
import dev.breakwater.policy.PolicyCompiler;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.policy.Required;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apply, rollback and the rollback timer against real iptables-restore/iptables-save, inside a
 * private namespace loaded with the rules of the corpus host docker-28-ipv6 (Docker 28 + UFW,
 * both families). The host's own firewall is never touched.
 */
@Tag("lab")
class ApplyTransactionLabTest {
  static final String SCENARIO = "docker-28-ipv6";
  static final String POLICY = """
      action: reject
      allow:
        - port: 8080
          from: [203.0.113.0/24, 2001:db8::/32]
        - port: 9200
          from: 198.51.100.0/24
      """;

  @TempDir Path state;
  HostFacts facts;
  CompiledPolicy compiled;

  @BeforeEach
  void compile() {
    RootCheck.assumeRoot("needs root to create network namespaces and load rules into them");
    facts = Corpus.facts(SCENARIO);
    compiled = PolicyCompiler.compile(facts, PolicyFile.parse(POLICY, "policy.yml"));
    assertThat(compiled.families()).containsExactly(IpFamily.V4, IpFamily.V6);
  }

  TestNamespace dockerHost() throws IOException {
    TestNamespace ns = new TestNamespace();
    try {
      ns.load("iptables-restore", Files.readString(Corpus.dir(SCENARIO).resolve("iptables-save.txt")));
      ns.load("ip6tables-restore", Files.readString(Corpus.dir(SCENARIO).resolve("ip6tables-save.txt")));
      return ns;
    } catch (RuntimeException | IOException e) {
      ns.close();
      throw e;
    }
  }

  ApplyTransaction transaction(TestNamespace ns) {
    return new ApplyTransaction(NetfilterTools.in(new NetworkNamespace(ns.name)), new StateStore(state));
  }

  @Test
  void applyLeavesExactlyThePlannedChainAndChangesNothingElse() throws IOException {
    try (TestNamespace ns = dockerHost()) {
      String v4 = ns.save("iptables-save");
      String v6 = ns.save("ip6tables-save");

      ApplyTransaction.Outcome outcome = TestChanges.apply(transaction(ns), compiled);

      assertThat(outcome.changed()).isTrue();
      for (IpFamily family : IpFamily.values()) {
        String after = ns.save(family == IpFamily.V4 ? "iptables-save" : "ip6tables-save");
        List<String> chain = after.lines().filter(l -> l.startsWith("-A BREAKWATER ")).toList();
        assertThat(chain).containsExactlyElementsOf(compiled.rules(family));
        List<String> dockerUser = after.lines().filter(l -> l.startsWith("-A DOCKER-USER ")).toList();
        assertThat(dockerUser.get(0)).isEqualTo("-A DOCKER-USER -j BREAKWATER");
        assertThat(dockerUser).filteredOn(l -> l.equals("-A DOCKER-USER -j BREAKWATER")).hasSize(1);
        String withoutOurs = String.join("\n", after.lines()
            .filter(l -> !l.startsWith("-A BREAKWATER ") && !l.equals(":BREAKWATER - [0:0]") && !l.equals("-A DOCKER-USER -j BREAKWATER"))
            .toList()) + "\n";
        assertThat(withoutOurs).isEqualTo(family == IpFamily.V4 ? v4 : v6);
      }
      assertThat(TestChanges.last(new StateStore(state)).orElseThrow().backups()).contains("backup-000001-v4.rules");
    }
  }

  @Test
  void rollbackRestoresTheRulesByteForByte() throws IOException {
    try (TestNamespace ns = dockerHost()) {
      String v4 = ns.save("iptables-save");
      String v6 = ns.save("ip6tables-save");
      ApplyTransaction transaction = transaction(ns);
      TestChanges.apply(transaction, compiled);
      assertThat(ns.save("iptables-save")).isNotEqualTo(v4);

      assertThat(TestChanges.rollback(transaction)).containsExactly(IpFamily.V4, IpFamily.V6);

      assertThat(ns.save("iptables-save")).isEqualTo(v4);
      assertThat(ns.save("ip6tables-save")).isEqualTo(v6);
      assertThat(TestChanges.rollback(transaction)).as("a second rollback finds nothing to do").isEmpty();
    }
  }

  @Test
  void rollbackAfterTwoAppliesReturnsToTheFirst() throws IOException {
    try (TestNamespace ns = dockerHost()) {
      ApplyTransaction transaction = transaction(ns);
      TestChanges.apply(transaction, compiled);
      String first = ns.save("iptables-save");
      CompiledPolicy stricter = PolicyCompiler.compile(facts, PolicyFile.parse("default: deny\n", "strict.yml"));
      TestChanges.apply(transaction, stricter);
      assertThat(ns.save("iptables-save")).isNotEqualTo(first);

      TestChanges.rollback(transaction);

      assertThat(ns.save("iptables-save")).isEqualTo(first);
    }
  }

  @Test
  void aRestoreThatFailsMidApplyLeavesTheOldRulesInForce() throws IOException {
    try (TestNamespace ns = dockerHost()) {
      String v4 = ns.save("iptables-save");
      String v6 = ns.save("ip6tables-save");
      // IPv4 goes through; IPv6 carries a rule iptables-restore refuses, so the IPv4 change must be undone.
      Map<IpFamily, List<String>> rules = new EnumMap<>(compiled.chainRules());
      List<String> bad = new ArrayList<>(rules.get(IpFamily.V6));
      bad.add(1, "-A BREAKWATER -m nosuchmatch --bogus -j DROP");
      rules.put(IpFamily.V6, bad);
      CompiledPolicy broken = new CompiledPolicy(compiled.externalInterfaces(), compiled.ports(), rules, compiled.notes());

      assertThatThrownBy(() -> TestChanges.apply(transaction(ns), broken))
          .isInstanceOf(ApplyException.class)
          .hasMessageContaining("ip6tables-restore -w 10 --noflush refused the change")
          .hasMessageEndingWith("the previous rules are back in force");

      assertThat(ns.save("iptables-save")).isEqualTo(v4);
      assertThat(ns.save("ip6tables-save")).isEqualTo(v6);
    }
  }

  @Test
  void aLargeSourceListGoesInAnIpsetThatRollbackRemovesWithTheChain() throws IOException {
    Required.that(Files.isExecutable(Path.of("/usr/sbin/ipset")) || Files.isExecutable(Path.of("/sbin/ipset")),
        "needs the ipset tool (Debian package ipset)");
    StringBuilder yaml = new StringBuilder("ipset-threshold: 4\nallow:\n  - port: 8080\n    from: [");
    for (int i = 0; i < 50; i++) {
      yaml.append(i > 0 ? ", " : "").append("198.18.").append(2 * i).append(".0/24");
    }
    yaml.append("]\n");
    CompiledPolicy large = PolicyCompiler.compile(facts, PolicyFile.parse(yaml.toString(), "large.yml"));
    String set = large.sets().get(0).name();
    try (TestNamespace ns = dockerHost()) {
      String v4 = ns.save("iptables-save");
      ApplyTransaction transaction = transaction(ns);

      TestChanges.apply(transaction, large);

      assertThat(ns.save("iptables-save")).contains("-A BREAKWATER -p tcp -m set --match-set " + set + " src -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN");
      String saved = ns.run("ipset", "save", set);
      assertThat(saved.lines().filter(l -> l.startsWith("add " + set + " "))).hasSize(50).contains("add " + set + " 198.18.98.0/24");

      TestChanges.apply(transaction, compiled); // a policy without sets: the large set is no longer used but the backup uses it
      assertThat(ns.run("ipset", "list", "-n")).contains(set);
      TestChanges.rollback(transaction);
      assertThat(ns.save("iptables-save")).contains("--match-set " + set + " src");
      TestChanges.apply(transaction, compiled);
      TestChanges.apply(transaction, PolicyCompiler.compile(facts, PolicyFile.parse("default: deny\n", "strict.yml")));
      assertThat(ns.run("ipset", "list", "-n"))
          .as("neither the chain nor the backup uses the set any more").doesNotContain(set);
      assertThat(ns.save("iptables-save")).isNotEqualTo(v4);
    }
  }

  @Test
  void applyingTheSamePolicyTwiceChangesNothing() throws IOException {
    try (TestNamespace ns = dockerHost()) {
      ApplyTransaction transaction = transaction(ns);
      TestChanges.apply(transaction, compiled);
      String v4 = ns.save("iptables-save");
      var backup = TestChanges.last(new StateStore(state)).orElseThrow();

      ApplyTransaction.Outcome again = TestChanges.apply(transaction, compiled);

      assertThat(again.changed()).isFalse();
      assertThat(ns.save("iptables-save")).isEqualTo(v4);
      assertThat(TestChanges.last(new StateStore(state))).as("nothing changed, nothing recorded").contains(backup);
    }
  }

  @Test
  void anUnconfirmedChangeRollsBackByItselfAndAConfirmedOneStays() throws Exception {
    try (TestNamespace ns = dockerHost()) {
      String v4 = ns.save("iptables-save");
      StateStore store = new StateStore(state);
      ApplyTransaction transaction = transaction(ns);
      ChangeJournal.TimerStart timer = (token, wait) -> RollbackTimer.start(dev.breakwater.cli.Main.selfCommand(),
          List.of("rollback", "--if-unconfirmed", token, "--wait", wait.toMillis() + "ms", "--state-dir", state.toString(),
              "--netns", ns.name), store.timerLog());
      ChangeJournal journal = new ChangeJournal(store, ChangeJournal.DEFAULT_KEEP);
      try (StateLock lock = StateLock.take(store)) {
        journal.apply(transaction, compiled, Optional.empty(), "# test\n", Optional.of(Duration.ofSeconds(2)), false,
            LoginSession.UNKNOWN, timer);
      }
      String applied = ns.save("iptables-save");

      waitFor(() -> TestChanges.last(store).orElseThrow().phase() == Journal.Phase.ROLLED_BACK && ns.save("iptables-save").equals(v4), store);
      assertThat(ns.save("iptables-save")).isEqualTo(v4);
      assertThat(TestChanges.last(store).orElseThrow().note()).contains("by the timer");

      // Now confirm in time: the timer wakes, finds the change confirmed, and leaves it.
      try (StateLock lock = StateLock.take(store)) {
        journal.apply(transaction, compiled, Optional.empty(), "# test\n", Optional.of(Duration.ofSeconds(2)), false,
            LoginSession.UNKNOWN, timer);
        journal.confirm(LoginSession.UNKNOWN, false);
      }
      String token = TestChanges.last(store).orElseThrow().token();
      waitFor(() -> log(store).contains("change " + token + " was confirmed"), store);
      assertThat(ns.save("iptables-save")).isEqualTo(applied);
    }
  }

  private static String log(StateStore store) {
    try {
      return Files.exists(store.timerLog()) ? Files.readString(store.timerLog()) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Polls for the timer's effect; the limit only keeps a broken timer from hanging the build. */
  private static void waitFor(java.util.function.BooleanSupplier done, StateStore store) throws InterruptedException {
    for (int i = 0; i < 600 && !done.getAsBoolean(); i++) {
      Thread.sleep(100);
    }
    assertThat(done.getAsBoolean()).as("the rollback timer did its job; its log:\n" + log(store)).isTrue();
  }
}
