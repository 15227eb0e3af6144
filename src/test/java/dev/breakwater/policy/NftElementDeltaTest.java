package dev.breakwater.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NftElementDeltaTest {
  static ProtectedPort port(int number, String... sources) {
    return new ProtectedPort("web", IpFamily.V4, Optional.empty(), number, Transport.TCP,
        Sources.of(java.util.Arrays.stream(sources).map(s -> new IPAddressString(s).getAddress().toPrefixBlock()).toList()), List.of("test"));
  }

  static CompiledPolicy compiled(ProtectedPort... ports) {
    return new CompiledPolicy(List.of("eth0"), List.of(ports), Map.of(IpFamily.V4, List.of()), List.of());
  }

  @Test
  void onlyOtherSourcesOfTheSamePortsAreAnElementDelta() {
    NftPolicyText before = NftPolicyText.of(compiled(port(8080, "198.51.100.66/32", "198.51.100.10/32")));
    NftPolicyText after = NftPolicyText.of(compiled(port(8080, "198.51.100.67/32", "198.51.100.10/32")));

    NftElementDelta delta = NftElementDelta.between(before, after).orElseThrow();

    assertThat(delta.added()).isOne();
    assertThat(delta.removed()).isOne();
    assertThat(delta.script()).isEqualTo("""
        delete element inet breakwater allow_tcp_8080_v4 { 198.51.100.66/32 }
        add element inet breakwater allow_tcp_8080_v4 { 198.51.100.67/32 }
        """);
    assertThat(NftElementDelta.between(NftTableListing.parse(before.table()), after)).contains(delta);
  }

  @Test
  void aNewPortOrAPortOpenedToAnyIsNoElementDelta() {
    NftPolicyText one = NftPolicyText.of(compiled(port(8080, "198.51.100.66/32")));
    assertThat(NftElementDelta.between(one, NftPolicyText.of(compiled(port(8080, "198.51.100.66/32"), port(3306))))).isEmpty();
    assertThat(NftElementDelta.between(one, NftPolicyText.of(compiled(new ProtectedPort("web", IpFamily.V4, Optional.empty(), 8080, Transport.TCP, Sources.ANY, List.of("test")))))).isEmpty();
    assertThat(NftElementDelta.between(one, one)).hasValueSatisfying(d -> assertThat(d.isEmpty()).isTrue());
  }

  @Test
  void aListingWithAnotherChainIsNoElementDelta() {
    NftPolicyText one = NftPolicyText.of(compiled(port(8080, "198.51.100.66/32")));
    String extra = one.table().replace("\tchain bw_forward {", "\tchain mine {\n\t}\n\n\tchain bw_forward {");
    assertThat(NftElementDelta.between(NftTableListing.parse(extra), one)).isEmpty();
  }

  @Test
  void narrowsWhenAPrefixIsLostOrAPortIsNewNotWhenSourcesWiden() {
    CompiledPolicy narrow = compiled(port(8080, "198.51.100.66/32"));
    CompiledPolicy wide = compiled(port(8080, "198.51.100.64/28"));
    assertThat(ForbiddenFlows.narrows(narrow, wide)).isFalse();
    assertThat(ForbiddenFlows.narrows(wide, narrow)).isTrue();
    assertThat(ForbiddenFlows.narrows(narrow, compiled(port(8080, "198.51.100.66/32"), port(3306)))).isTrue();
    assertThat(ForbiddenFlows.narrows(compiled(port(8080, "198.51.100.66/32"), port(3306)), narrow)).isFalse();
  }
}
