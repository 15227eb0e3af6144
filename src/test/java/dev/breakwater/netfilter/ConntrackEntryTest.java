package dev.breakwater.netfilter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import org.junit.jupiter.api.Test;

class ConntrackEntryTest {
  @Test
  void aDnatedTcpConnectionReadsBothTuples() {
    ConntrackEntry e = ConntrackEntry.parse("tcp      6 431999 ESTABLISHED src=198.51.100.2 dst=198.51.100.1 sport=40312 "
        + "dport=3306 src=198.18.0.2 dst=198.51.100.2 sport=80 dport=40312 [ASSURED] mark=0 use=1").orElseThrow();
    assertThat(e.family()).isEqualTo(IpFamily.V4);
    assertThat(e.protocol()).isEqualTo(Transport.TCP);
    assertThat(e.originalSource().toString()).isEqualTo("198.51.100.2");
    assertThat(e.originalDestination().toString()).isEqualTo("198.51.100.1");
    assertThat(e.originalSourcePort()).isEqualTo(40312);
    assertThat(e.originalDestinationPort()).isEqualTo(3306);
    assertThat(e.replySource().toString()).isEqualTo("198.18.0.2");
    assertThat(e.destinationTranslated()).isTrue();
  }

  @Test
  void anUnrepliedUdpEntryAndIpv6AreRead() {
    ConntrackEntry udp = ConntrackEntry.parse("udp      17 29 src=198.51.100.2 dst=198.51.100.1 sport=5353 dport=53 [UNREPLIED] "
        + "src=198.18.0.2 dst=198.51.100.2 sport=53 dport=5353 mark=0 use=1").orElseThrow();
    assertThat(udp.protocol()).isEqualTo(Transport.UDP);
    assertThat(udp.originalDestinationPort()).isEqualTo(53);
    ConntrackEntry v6 = ConntrackEntry.parse("tcp      6 86399 ESTABLISHED src=2001:db8:1::66 dst=2001:db8:1::1 sport=51000 "
        + "dport=443 src=2001:db8:1::1 dst=2001:db8:1::66 sport=443 dport=51000 [ASSURED] mark=0 use=1").orElseThrow();
    assertThat(v6.family()).isEqualTo(IpFamily.V6);
    assertThat(v6.destinationTranslated()).as("answered by the address the client named: no DNAT").isFalse();
  }

  @Test
  void otherLinesAreNotEntries() {
    assertThat(ConntrackEntry.parse("icmp     1 29 src=198.51.100.2 dst=198.51.100.1 type=8 code=0 id=1 src=198.51.100.1 "
        + "dst=198.51.100.2 type=0 code=0 id=1 mark=0 use=1")).isEmpty();
    assertThat(ConntrackEntry.parse("conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.")).isEmpty();
    assertThat(ConntrackEntry.parse("")).isEmpty();
    assertThat(ConntrackEntry.parse("tcp 6 10 ESTABLISHED src=198.51.100.2 dst=198.51.100.1 sport=x dport=1")).isEmpty();
  }
}
