package dev.breakwater.reach;

import static dev.breakwater.reach.HostFixture.container;
import static dev.breakwater.reach.HostFixture.host;
import static dev.breakwater.reach.HostFixture.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.Rule;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Host state filled at run time (an ipset a {@code -j SET} rule writes, an xt_recent list) is not
 * what the snapshot shows: a test of it that changes the outcome makes the answer "possibly",
 * naming the rule and why; never "blocked, exact" (docs/reach.md).
 */
class RunTimeStateTest {
  private static final Container MYSQL = container("mysql", "172.17.0.2", port("0.0.0.0", 3306, 3306, "172.17.0.2"));

  @AfterEach
  void forgetIpsets() {
    RulesetFixture.IPSETS.clear();
  }

  private static PortReach mysqlWith(String dockerUser) {
    String rules = Layouts.docker20("", 3306, 3306, dockerUser);
    List<PortReach> all = Reachability.of(host(RulesetFixture.parse(rules, IpFamily.V4), Optional.empty(), MYSQL))
        .exposures();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  /** Port knocking: a SYN to 7000 puts the source into the set; the set lets it in to 3306. */
  private static final String KNOCK = """
      -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 7000 -j SET --add-set knock src
      -A DOCKER-USER -i eth0 -m set --match-set knock src -j RETURN
      -A DOCKER-USER -i eth0 -j DROP
      """;

  @Test
  void aSetThatASetTargetFillsIsUnknowableEvenWhenTheSnapshotHasItEmpty() {
    RulesetFixture.IPSETS.put("knock", List.of());
    PortReach e = mysqlWith(KNOCK);

    assertThat(e.exact()).isFalse();
    assertThat(e.reachableFrom()).isEmpty();
    assertThat(e.possiblyReachableFrom()).extracting(Object::toString).containsExactly("0.0.0.0/0");
    assertThat(e.uncertainBecause()).extracting(Rule::text).singleElement().asString().contains("--match-set knock");
    SourceClass c = e.classes().get(0);
    assertThat(c.because()).contains("run-time state").contains("the set knock is filled at run time by")
        .contains("--add-set knock src");
  }

  @Test
  void withoutTheWriterTheSnapshotContentsAreTheAnswer() {
    RulesetFixture.IPSETS.put("knock", List.of());
    PortReach e = mysqlWith(KNOCK.lines().skip(1).map(l -> l + "\n").reduce("", String::concat));

    assertThat(e.exact()).isTrue();
    assertThat(e.reachableFrom()).isEmpty();
  }

  @Test
  void aDelSetWriterCountsToo() {
    RulesetFixture.IPSETS.put("allowed", List.of(RulesetFixture.ip("0.0.0.0/0")));
    PortReach e = mysqlWith("""
        -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 7001 -j SET --del-set allowed src
        -A DOCKER-USER -i eth0 -m set --match-set allowed src -j RETURN
        -A DOCKER-USER -i eth0 -j DROP
        """);

    // The snapshot has everybody in the set; the next packet may find it emptied.
    assertThat(e.exact()).isFalse();
    assertThat(e.reachableFrom()).isEmpty();
    assertThat(e.possiblyReachableFrom()).extracting(Object::toString).containsExactly("0.0.0.0/0");
  }

  @Test
  void aSetTestWhoseOutcomeDoesNotMatterStaysExact() {
    RulesetFixture.IPSETS.put("knock", List.of());
    PortReach e = mysqlWith("""
        -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 7000 -j SET --add-set knock src
        -A DOCKER-USER -i eth0 -m set --match-set knock src -j DROP
        -A DOCKER-USER -i eth0 -j DROP
        """);

    assertThat(e.exact()).isTrue();
    assertThat(e.reachableFrom()).isEmpty();
  }

  @Test
  void aRecentCheckNamesItsListAsRunTimeState() {
    PortReach e = mysqlWith("""
        -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 7000 -m recent --set --name knock --rsource
        -A DOCKER-USER -i eth0 -m recent --rcheck --seconds 30 --name knock --rsource -j RETURN
        -A DOCKER-USER -i eth0 -j DROP
        """);

    assertThat(e.exact()).isFalse();
    assertThat(e.reachableFrom()).isEmpty();
    assertThat(e.possiblyReachableFrom()).extracting(Object::toString).containsExactly("0.0.0.0/0");
    assertThat(e.uncertainBecause()).extracting(Rule::text).singleElement().asString().contains("--rcheck");
    assertThat(e.classes().get(0).because()).contains("the recent list knock is filled at run time");
  }

  /**
   * xt_recent's {@code --set} adds the source and matches, whatever the list held (recent_mt:
   * {@code ret = !ret} on both the new-entry and the existing-entry path); {@code ! --set} never
   * matches. Neither depends on run-time state. Found by RunTimeStateLabTest: the kernel let every
   * stranger in while the engine said "possibly".
   */
  @Test
  void aRecentSetAlwaysMatchesSoWhatItDecidesIsExact() {
    PortReach accepted = mysqlWith("""
        -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 3306 -m recent --set --name seen --mask 255.255.255.255 --rsource -j RETURN
        -A DOCKER-USER -i eth0 -j DROP
        """);
    assertThat(accepted.exact()).isTrue();
    assertThat(accepted.reachableFrom()).extracting(Object::toString).containsExactly("0.0.0.0/0");

    PortReach inverted = mysqlWith("""
        -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 3306 -m recent ! --set --name seen --mask 255.255.255.255 --rsource -j RETURN
        -A DOCKER-USER -i eth0 -j DROP
        """);
    assertThat(inverted.exact()).isTrue();
    assertThat(inverted.reachableFrom()).isEmpty();
  }

  /** {@code --remove} matches only a source on the list (and takes it off): run-time state. */
  @Test
  void aRecentRemoveIsRunTimeState() {
    PortReach e = mysqlWith("""
        -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 3306 -m recent --remove --name knock --mask 255.255.255.255 --rsource -j RETURN
        -A DOCKER-USER -i eth0 -j DROP
        """);
    assertThat(e.exact()).isFalse();
    assertThat(e.possiblyReachableFrom()).extracting(Object::toString).containsExactly("0.0.0.0/0");
    assertThat(e.classes().get(0).because()).contains("the recent list knock is filled at run time");
  }

  /** {@code ! --update-counters} only spares the counters; the set's members decide, exactly. */
  @Test
  void notUpdatingASetsCountersTestsNothing() {
    RulesetFixture.IPSETS.put("allow", List.of(RulesetFixture.ip("0.0.0.0/0")));
    PortReach e = mysqlWith("""
        -A DOCKER-USER -i eth0 -m set --match-set allow src ! --update-counters ! --update-subcounters -j RETURN
        -A DOCKER-USER -i eth0 -j DROP
        """);

    assertThat(e.exact()).isTrue();
    assertThat(e.reachableFrom()).extracting(Object::toString).containsExactly("0.0.0.0/0");
  }

  /** A set entry's counters count what it matched: run-time state, named. */
  @Test
  void aSetCounterTestIsRunTimeState() {
    RulesetFixture.IPSETS.put("allow", List.of(RulesetFixture.ip("0.0.0.0/0")));
    PortReach e = mysqlWith("""
        -A DOCKER-USER -i eth0 -m set --match-set allow src --packets-lt 3 -j RETURN
        -A DOCKER-USER -i eth0 -j DROP
        """);

    assertThat(e.exact()).isFalse();
    assertThat(e.possiblyReachableFrom()).extracting(Object::toString).containsExactly("0.0.0.0/0");
    assertThat(e.uncertainBecause()).extracting(Rule::text).singleElement().asString().contains("--packets-lt 3");
    assertThat(e.classes().get(0).because()).contains("counters (--packets-lt 3)");
  }

  @Test
  void theTraceSaysWhyToo() {
    RulesetFixture.IPSETS.put("knock", List.of());
    Reachability r = Reachability.of(host(RulesetFixture.parse(Layouts.docker20("", 3306, 3306, KNOCK), IpFamily.V4),
        Optional.empty(), MYSQL));
    Trace t = r.trace(new Packet(RulesetFixture.ip("203.0.113.9"), RulesetFixture.ip(HostFixture.HOST_V4),
        dev.breakwater.net.Transport.TCP, 50000, 3306, "eth0"));

    assertThat(t.verdict().label()).isEqualTo("possibly-reachable");
    assertThat(t.decision()).contains("the set knock is filled at run time");
  }

  @Test
  void writtenSetsAreReadFromTheTargetsOptions() {
    assertThat(RulesetIndex.writtenSets("--add-set knock src --exist --timeout 30")).containsExactly("knock");
    assertThat(RulesetIndex.writtenSets("--del-set a src --add-set b dst")).containsExactly("a", "b");
    assertThat(RulesetIndex.writtenSets("--map-set m src --map-mark")).isEmpty();
  }
}
