package dev.breakwater.reach;

import static dev.breakwater.reach.HostFixture.HOST_V4;
import static dev.breakwater.reach.HostFixture.container;
import static dev.breakwater.reach.HostFixture.host;
import static dev.breakwater.reach.HostFixture.port;
import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** iptables' MARK and CONNMARK set marks that later -m mark / -m connmark rules test, exactly. */
class MarkTrackingTest {
  private static String rules(String mangle, String forwardMatch) {
    return "*mangle\n:PREROUTING ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n" + mangle + "COMMIT\n"
        + "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
        + "-A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\nCOMMIT\n"
        + "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        + "-A FORWARD " + forwardMatch + " -j DROP\nCOMMIT\n";
  }

  private static HostFacts facts(String text) {
    return host(RulesetFixture.parse(text, IpFamily.V4), Optional.empty(),
        container("web", "172.17.0.2", port("0.0.0.0", 8080, 80, "172.17.0.2")));
  }

  private static Verdict verdict(HostFacts facts, String source) {
    return Reachability.of(facts).trace(new Packet(ip(source), ip(HOST_V4), Transport.TCP, 50000, 8080, "eth0")).verdict();
  }

  @Test
  void aMarkSetForSomeSourcesIsDroppedLaterExactly() {
    HostFacts facts = facts(rules("-A PREROUTING -s 198.51.100.0/24 -j MARK --set-xmark 0x1/0xffffffff\n",
        "-m mark --mark 0x1/0x1"));
    assertThat(verdict(facts, "198.51.100.7")).isEqualTo(Verdict.BLOCKED);
    assertThat(verdict(facts, "198.18.0.7")).isEqualTo(Verdict.REACHABLE);
    PortReach reach = Reachability.of(facts).exposures().get(0);
    assertThat(reach.exact()).isTrue();
    assertThat(reach.reachableFrom()).extracting(Object::toString).doesNotContain("0.0.0.0/0")
        .noneMatch(a -> a.startsWith("198.51.100."));
  }

  @Test
  void aConnectionMarkSavedFromThePacketMarkIsSeen() {
    HostFacts facts = facts(rules("-A PREROUTING -s 198.51.100.0/24 -j MARK --set-xmark 0x2/0xffffffff\n"
        + "-A PREROUTING -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff\n", "-m connmark --mark 0x2"));
    assertThat(verdict(facts, "198.51.100.7")).isEqualTo(Verdict.BLOCKED);
    assertThat(verdict(facts, "198.18.0.7")).isEqualTo(Verdict.REACHABLE);
  }

  @Test
  void aMarkChangedInAWayNotModelledMakesLaterMarkTestsPossibly() {
    HostFacts facts = facts(rules("-A PREROUTING -s 198.51.100.0/24 -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff\n",
        "-m mark --mark 0x1/0x1"));
    assertThat(verdict(facts, "198.51.100.7")).isInstanceOf(Verdict.PossiblyReachable.class);
    assertThat(verdict(facts, "198.18.0.7")).isEqualTo(Verdict.REACHABLE);
  }
}
