package dev.breakwater.reach;

import static dev.breakwater.reach.oracle.KernelOutcome.CONNECTED;
import static dev.breakwater.reach.oracle.KernelOutcome.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.ExpectedOpen;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.audit.ListenerExposure;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.HostListener;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.policy.Required;
import dev.breakwater.reach.oracle.KernelOutcome;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.RootCheck;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel is the judge of "possibly reachable" for host state filled at run time (docs/reach.md,
 * issue 11): port knocking with an xt_recent list or with {@code -j SET --add-set}, loaded with
 * iptables-restore into a host namespace that a stranger connects to for real. Where the engine
 * says "possibly", both outcomes must really happen: the stranger is refused before the knock and
 * let in after it. Where the state cannot change the outcome (the test only chooses between two
 * ACCEPTs, or sits behind an unconditional DROP), the knock is really registered and yet changes
 * nothing, and the engine must give that exact answer. The engine reads a snapshot of the host
 * namespace written by {@code breakwater snapshot}'s gatherer, before and after the knock.
 */
@Tag("lab")
class RunTimeStateLabTest {
  private static KnockLab lab;

  @TempDir
  Path dir;

  @BeforeAll
  static void up() throws IOException {
    RootCheck.assumeRoot("creates two network namespaces, loads rulesets with iptables-restore and ipsets in one");
    for (String tool : List.of("iptables-restore", "iptables-save", "ipset", "ss")) {
      Required.that(CommandRunner.find(tool).isPresent(), "needs " + tool + " (iptables, ipset, iproute2)");
    }
    lab = KnockLab.up();
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  @AfterEach
  void clear() {
    if (lab != null) {
      lab.clear();
    }
  }

  /**
   * One ruleset of the host's INPUT chain ({@code PORT} is the knock port, {@code SERVICE} the
   * listener's) and what the kernel does with one stranger before and after it knocks.
   *
   * @param state where the knock is registered: {@code ipset} (the set knock) or {@code recent} (the list knock)
   * @param ipset the {@code ipset create knock} arguments, empty for an xt_recent case
   * @param inSetBefore the stranger is in the set before ({@code ipset add}); in a knock case the knock takes it out ({@code --del-set})
   * @param uncertain text of the one rule a "possibly" answer must name; empty for an exact case
   */
  record Case(String name, String state, List<String> ipset, boolean inSetBefore, String rules, String uncertain,
      KernelOutcome before, KernelOutcome after) {
    Case(String name, String state, List<String> ipset, String rules, String uncertain, KernelOutcome before,
        KernelOutcome after) {
      this(name, state, ipset, false, rules, uncertain, before, after);
    }

    @Override
    public String toString() {
      return name;
    }

    String ruleset() {
      return "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
          + "-A INPUT -i lo -j ACCEPT\n"
          + "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
          + rules.replace("PORT", String.valueOf(KnockLab.KNOCK_PORT)).replace("SERVICE", String.valueOf(KnockLab.SERVICE_PORT))
          + "COMMIT\n";
    }
  }

  static Stream<Case> knocks() {
    return Stream.of(
        new Case("recent --rcheck", "recent", List.of(), """
            -A INPUT -i eth0 -p tcp -m tcp --dport PORT -m recent --set --name knock --rsource -j DROP
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m recent --rcheck --seconds 60 --name knock --rsource -j ACCEPT
            -A INPUT -i eth0 -j DROP
            """, "--rcheck", TIMEOUT, CONNECTED),
        new Case("recent --update, knock without -j", "recent", List.of(), """
            -A INPUT -i eth0 -p tcp -m tcp --dport PORT -m recent --set --name knock --rsource
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m recent --update --seconds 60 --name knock --rsource -j ACCEPT
            -A INPUT -i eth0 -j DROP
            """, "--update", TIMEOUT, CONNECTED),
        new Case("SET --add-set", "ipset", List.of("hash:ip"), """
            -A INPUT -i eth0 -p tcp -m tcp --dport PORT -j SET --add-set knock src
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m set --match-set knock src -j ACCEPT
            -A INPUT -i eth0 -j DROP
            """, "--match-set knock", TIMEOUT, CONNECTED),
        new Case("SET --add-set, set with timeout, RETURN from a chain", "ipset", List.of("hash:ip", "timeout", "300"), """
            :KNOCKED - [0:0]
            -A INPUT -i eth0 -p tcp -m tcp --dport PORT -j SET --add-set knock src --exist
            -A INPUT -i eth0 -j KNOCKED
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -j ACCEPT
            -A INPUT -i eth0 -j DROP
            -A KNOCKED -m set --match-set knock src -j RETURN
            -A KNOCKED -j DROP
            """, "--match-set knock", TIMEOUT, CONNECTED),
        // Knocking out: whoever is in the set gets in until a SYN to the knock port takes it out.
        new Case("SET --del-set", "ipset", List.of("hash:ip"), true, """
            -A INPUT -i eth0 -p tcp -m tcp --dport PORT -j SET --del-set knock src
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m set --match-set knock src -j ACCEPT
            -A INPUT -i eth0 -j DROP
            """, "--match-set knock", CONNECTED, TIMEOUT));
  }

  static Stream<Case> stateThatCannotMatter() {
    return Stream.of(
        new Case("set chooses between two ACCEPTs", "ipset", List.of("hash:ip"), """
            -A INPUT -i eth0 -p tcp -m tcp --dport PORT -j SET --add-set knock src
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m set --match-set knock src -j ACCEPT
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -j ACCEPT
            -A INPUT -i eth0 -j DROP
            """, "", CONNECTED, CONNECTED),
        new Case("set chooses between two DROPs", "ipset", List.of("hash:ip"), """
            -A INPUT -i eth0 -p tcp -m tcp --dport PORT -j SET --add-set knock src
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m set --match-set knock src -j DROP
            -A INPUT -i eth0 -j DROP
            """, "", TIMEOUT, TIMEOUT),
        new Case("recent behind an unconditional DROP", "recent", List.of(), """
            -A INPUT -i eth0 -p tcp -m tcp --dport PORT -m recent --set --name knock --rsource -j DROP
            -A INPUT -i eth0 -j DROP
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m recent --rcheck --name knock --rsource -j ACCEPT
            """, "", TIMEOUT, TIMEOUT),
        // --set adds the source and matches whatever the list held: it decides nothing at run time.
        new Case("recent --set always matches", "recent", List.of(), """
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m recent --set --name knock --rsource -j ACCEPT
            -A INPUT -i eth0 -j DROP
            """, "", CONNECTED, CONNECTED),
        new Case("recent chooses between two ACCEPTs", "recent", List.of(), """
            -A INPUT -i eth0 -p tcp -m tcp --dport PORT -m recent --set --name knock --rsource -j DROP
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m recent --rcheck --name knock --rsource -j ACCEPT
            -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -j ACCEPT
            -A INPUT -i eth0 -j DROP
            """, "", CONNECTED, CONNECTED));
  }

  /** What the kernel did with one stranger, and what the engine said of it from the two snapshots. */
  private record Run(String stranger, KernelOutcome before, KernelOutcome knock, KernelOutcome after,
      String registered, Answer beforeKnock, Answer afterKnock) {}

  /** The engine's trace of a fresh stranger's SYN and its audit of the host's listener, IPv4 on eth0. */
  private record Answer(Trace freshTrace, Trace knockedTrace, PortReach listener, ListenerExposure audited) {}

  private Run run(Case c) throws IOException {
    String stranger = lab.freshStranger();
    if (!c.ipset().isEmpty()) {
      List<String> create = new java.util.ArrayList<>(List.of("create", "knock"));
      create.addAll(c.ipset());
      lab.ipset(create.toArray(String[]::new));
      if (c.inSetBefore()) {
        lab.ipset("add", "knock", stranger);
      }
    }
    lab.load(c.ruleset());
    Answer beforeKnock = engine(dir.resolve("before"), stranger);
    KernelOutcome before = lab.connect(stranger, KnockLab.SERVICE_PORT);
    KernelOutcome knock = lab.connect(stranger, KnockLab.KNOCK_PORT);
    KernelOutcome after = lab.connect(stranger, KnockLab.SERVICE_PORT);
    String registered = c.state().equals("ipset") ? lab.ipset("list", "knock") : lab.recentList("knock");
    Answer afterKnock = engine(dir.resolve("after"), stranger);
    return new Run(stranger, before, knock, after, registered, beforeKnock, afterKnock);
  }

  private Answer engine(Path snapshot, String knocked) {
    lab.snapshot(snapshot);
    HostFacts facts = SnapshotDirectory.read(snapshot);
    Reachability reach = Reachability.of(facts);
    HostListener service = facts.listeners().orElseThrow().stream()
        .filter(l -> l.port() == KnockLab.SERVICE_PORT && l.protocol() == Transport.TCP).findFirst().orElseThrow();
    PortReach all = ListenerReach.of(reach).analyse(service);
    PortReach v4 = new PortReach(all.container(), all.port(),
        all.classes().stream().filter(k -> k.family() == IpFamily.V4 && k.ingress().equals(KnockLab.OUTSIDE)).toList(),
        all.uncertainBecause(), all.notes());
    AuditReport audit = HostAudit.run(facts, reach, ExpectedOpen.NONE);
    ListenerExposure audited = audit.hostListeners().stream().filter(l -> l.port() == KnockLab.SERVICE_PORT
        && l.protocol().equals("tcp")).findFirst().orElseThrow();
    // A stranger who never knocked, and the one who did (in the second snapshot, a member).
    return new Answer(trace(reach, "198.51.100.250"), trace(reach, knocked), v4, audited);
  }

  private static Trace trace(Reachability reach, String source) {
    return reach.trace(new Packet(new IPAddressString(source).getAddress(),
        new IPAddressString(KnockLab.HOST_ADDRESS).getAddress(), Transport.TCP, 50_000, KnockLab.SERVICE_PORT,
        KnockLab.OUTSIDE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("knocks")
  void aKnockIsWhatLetsTheStrangerInAndTheEngineSaysPossiblyNamingTheRule(Case c) throws IOException {
    Run r = run(c);

    // The kernel: both outcomes happen to the same stranger, so "possibly" is the truth.
    assertThat(r.before()).as("%s before the knock", r.stranger()).isEqualTo(c.before());
    assertThat(r.knock()).as("the knock itself").isEqualTo(KernelOutcome.TIMEOUT);
    if (c.inSetBefore()) {
      assertThat(r.registered()).as("the host's run-time state after the knock").doesNotContain(r.stranger());
    } else {
      assertThat(r.registered()).as("the host's run-time state after the knock").contains(r.stranger());
    }
    assertThat(r.after()).as("%s after the knock", r.stranger()).isEqualTo(c.after()).isNotEqualTo(c.before());

    // The engine, from the snapshot taken before the knock and from the one after.
    for (Answer a : List.of(r.beforeKnock(), r.afterKnock())) {
      assertThat(a.freshTrace().verdict().label()).isEqualTo("possibly-reachable");
      assertThat(a.freshTrace().verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
          p -> assertThat(p.uncertainBecause()).extracting(Rule::text).singleElement().asString().contains(c.uncertain()));
      assertThat(a.freshTrace().decision()).contains("filled at run time");
      assertThat(a.knockedTrace().verdict().label()).isNotEqualTo("blocked");

      assertThat(a.listener().classes()).isNotEmpty();
      assertThat(a.listener().exact()).isFalse();
      assertThat(a.listener().reachableFrom()).isEmpty();
      assertThat(a.listener().possiblyReachableFrom()).extracting(Object::toString).containsExactly("0.0.0.0/0");
      assertThat(a.listener().uncertainBecause()).extracting(Rule::text).singleElement().asString().contains(c.uncertain());
      assertThat(a.listener().classes()).allSatisfy(k -> assertThat(k.because()).contains("filled at run time"));
      assertThat(a.audited().exact()).isFalse();
      assertThat(a.audited().possiblyReachableFrom()).contains("0.0.0.0/0");
    }
  }

  /**
   * The other way round: the brute-force guard of many INPUT chains (every NEW connection is
   * {@code --set}, the third within a minute is dropped by {@code --update --hitcount 3}). The same
   * stranger is let in twice, then refused: "possibly", naming the {@code --update} rule, not the
   * {@code --set} one (which matches every packet).
   */
  @Test
  void aRecentRateLimitLetsTheStrangerInThenRefusesItAndTheEngineSaysPossibly() throws IOException {
    Case guard = new Case("recent rate limit", "recent", List.of(), """
        -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m conntrack --ctstate NEW -m recent --set --name knock --rsource
        -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m conntrack --ctstate NEW -m recent --update --seconds 60 --hitcount 3 --name knock --rsource -j DROP
        -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -j ACCEPT
        -A INPUT -i eth0 -j DROP
        """, "--update", CONNECTED, TIMEOUT);
    lab.load(guard.ruleset());
    String stranger = lab.freshStranger();
    Answer fresh = engine(dir.resolve("before"), stranger);

    List<KernelOutcome> attempts = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      attempts.add(lab.connect(stranger, KnockLab.SERVICE_PORT));
    }

    assertThat(attempts).containsExactly(guard.before(), guard.before(), guard.after());
    assertThat(lab.recentList("knock")).contains(stranger);
    for (Answer a : List.of(fresh, engine(dir.resolve("after"), stranger))) {
      assertThat(a.freshTrace().verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
          p -> assertThat(p.uncertainBecause()).extracting(Rule::text).singleElement().asString().contains("--update"));
      assertThat(a.listener().exact()).isFalse();
      assertThat(a.listener().possiblyReachableFrom()).extracting(Object::toString).containsExactly("0.0.0.0/0");
      assertThat(a.listener().uncertainBecause()).extracting(Rule::text).singleElement().asString().contains("--update");
      assertThat(a.audited().exact()).isFalse();
    }
  }

  /**
   * An ipset's per-entry counters: {@code --packets-lt 3} lets the stranger in until its entry has
   * counted enough packets, then refuses it ("possibly", naming the rule and the counters), while
   * {@code ! --update-counters} only spares the counters and the members decide, exactly.
   */
  @Test
  void setCountersAreRunTimeStateAndSparingThemIsNot() throws IOException {
    String member = lab.freshStranger();
    String outsider = lab.freshStranger();
    lab.ipset("create", "knock", "hash:ip", "counters");
    lab.ipset("add", "knock", member);
    lab.load(new Case("spared counters", "ipset", List.of(), """
        -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m set --match-set knock src ! --update-counters -j ACCEPT
        -A INPUT -i eth0 -j DROP
        """, "", CONNECTED, CONNECTED).ruleset());
    Answer spared = engine(dir.resolve("spared"), member);

    for (int i = 0; i < 4; i++) {
      assertThat(lab.connect(member, KnockLab.SERVICE_PORT)).as("the member, attempt %d", i + 1).isEqualTo(CONNECTED);
    }
    assertThat(lab.connect(outsider, KnockLab.SERVICE_PORT)).as("an outsider").isEqualTo(TIMEOUT);
    assertThat(lab.ipset("list", "knock")).as("counters not updated").contains(member + " packets 0 bytes 0");
    assertThat(spared.knockedTrace().verdict().label()).as(spared.knockedTrace().decision()).isEqualTo("reachable");
    assertThat(spared.freshTrace().verdict().label()).as(spared.freshTrace().decision()).isEqualTo("blocked");
    assertThat(spared.listener().exact()).as("%s", spared.listener().classes()).isTrue();
    assertThat(spared.listener().reachableFrom()).extracting(Object::toString).containsExactly(member + "/32");

    lab.load(new Case("counted", "ipset", List.of(), """
        -A INPUT -i eth0 -p tcp -m tcp --dport SERVICE -m set --match-set knock src --packets-lt 3 -j ACCEPT
        -A INPUT -i eth0 -j DROP
        """, "", CONNECTED, TIMEOUT).ruleset());
    Answer counted = engine(dir.resolve("counted"), member);
    List<KernelOutcome> attempts = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      attempts.add(lab.connect(member, KnockLab.SERVICE_PORT));
    }

    System.out.println("run-time state lab: a member's attempts under --packets-lt 3: " + attempts);
    // In by the first attempt, out by the fifth, never back in: the counter only grows.
    assertThat(attempts.get(0)).as("%s", attempts).isEqualTo(CONNECTED);
    assertThat(attempts.subList(attempts.indexOf(TIMEOUT), attempts.size())).as("%s", attempts).containsOnly(TIMEOUT);
    for (Trace t : List.of(counted.knockedTrace(), counted.freshTrace())) {
      assertThat(t.verdict().label()).as(t.decision()).isIn("possibly-reachable", "blocked");
    }
    assertThat(counted.knockedTrace().verdict()).isInstanceOfSatisfying(Verdict.PossiblyReachable.class,
        p -> assertThat(p.uncertainBecause()).extracting(Rule::text).singleElement().asString().contains("--packets-lt 3"));
    assertThat(counted.knockedTrace().decision()).contains("counters");
    assertThat(counted.listener().exact()).isFalse();
    assertThat(counted.listener().possiblyReachableFrom()).extracting(Object::toString).containsExactly(member + "/32");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stateThatCannotMatter")
  void whereTheStateCannotChangeTheOutcomeTheAnswerIsExact(Case c) throws IOException {
    Run r = run(c);

    // The knock is registered and changes nothing.
    assertThat(r.registered()).as("the host's run-time state after the knock").contains(r.stranger());
    assertThat(r.before()).as("%s before the knock", r.stranger()).isEqualTo(c.before());
    assertThat(r.after()).as("%s after the knock", r.stranger()).isEqualTo(c.after()).isEqualTo(c.before());

    boolean reachable = c.before() == CONNECTED;
    String verdict = reachable ? "reachable" : "blocked";
    for (Answer a : List.of(r.beforeKnock(), r.afterKnock())) {
      assertThat(a.freshTrace().verdict().label()).as(a.freshTrace().decision()).isEqualTo(verdict);
      assertThat(a.knockedTrace().verdict().label()).as(a.knockedTrace().decision()).isEqualTo(verdict);
      assertThat(a.listener().classes()).isNotEmpty();
      assertThat(a.listener().exact()).as("%s", a.listener().classes()).isTrue();
      assertThat(a.listener().reachableFrom()).extracting(Object::toString)
          .isEqualTo(reachable ? List.of("0.0.0.0/0") : List.of());
      assertThat(a.audited().exact()).isTrue();
      assertThat(a.audited().possiblyReachableFrom()).isEmpty();
    }
  }
}
