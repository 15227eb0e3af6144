package dev.breakwater.demo;

import dev.breakwater.lab.AttackerProbe;
import dev.breakwater.lab.Lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the demo reads the fix step's connections: the office alone on 3306, nobody else. */
class DemoReachTest {

  private static List<AttackerProbe.Result> db(Set<String> reached) {
    return Lab.ATTACKER_ADDRESSES.stream()
        .map(source -> new AttackerProbe.Result(new AttackerProbe.Probe(source, source.contains(":") ? Lab.HOST_ADDRESS_V6 : Lab.HOST_ADDRESS, Demo.DB_PORT),
            reached.contains(source) ? AttackerProbe.Outcome.CONNECTED : AttackerProbe.Outcome.TIMED_OUT, ""))
        .toList();
  }

  @Test
  void onlyTheOfficeGettingInIsTheFixHolding() {
    String office = new PolicyFix().allowedSource();
    assertThat(Demo.reachedOnlyFrom(db(Set.of(office)), Demo.DB_PORT, office)).isTrue();
  }

  @Test
  void anotherAttackerGettingInOrTheOfficeShutOutIsNot() {
    String office = new PolicyFix().allowedSource();
    assertThat(Demo.reachedOnlyFrom(db(Set.of(office, "198.51.100.66")), Demo.DB_PORT, office)).isFalse();
    assertThat(Demo.reachedOnlyFrom(db(Set.of(office, "2001:db8:1::66")), Demo.DB_PORT, office)).isFalse();
    assertThat(Demo.reachedOnlyFrom(db(Set.of()), Demo.DB_PORT, office)).isFalse();
    assertThat(Demo.reachedOnlyFrom(db(Set.copyOf(Lab.ATTACKER_ADDRESSES)), Demo.DB_PORT, office)).isFalse();
  }

  @Test
  void missingProbesAreNotProof() {
    String office = new PolicyFix().allowedSource();
    assertThat(Demo.reachedOnlyFrom(db(Set.of(office)).subList(0, 2), Demo.DB_PORT, office)).isFalse();
  }

  @Test
  void theOfficeIsAnAttackerAddressTheDemoProbesFrom() {
    assertThat(Lab.ATTACKER_ADDRESSES).contains(new PolicyFix().allowedSource());
    assertThat(PolicyFix.POLICY).contains(new PolicyFix().allowedSource() + "/32");
  }
}
