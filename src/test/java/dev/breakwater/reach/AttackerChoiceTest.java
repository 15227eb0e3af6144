package dev.breakwater.reach;

import static dev.breakwater.reach.HostFixture.container;
import static dev.breakwater.reach.HostFixture.host;
import static dev.breakwater.reach.HostFixture.port;
import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Ruleset;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The sender chooses its source port and its first packet's flags: a port reaches a source when
 * some choice gets through (docs/reach.md, "The sender's choices").
 */
class AttackerChoiceTest {
  private static final Container MYSQL = container("mysql", "172.17.0.2", port("0.0.0.0", 3306, 3306, "172.17.0.2"));
  private static final String ESTABLISHED = "-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n";

  private static PortReach exposure(String dockerUser) {
    Ruleset v4 = RulesetFixture.parse(Layouts.docker20("", 3306, 3306, dockerUser), IpFamily.V4);
    List<PortReach> all = Reachability.of(host(v4, Optional.empty(), MYSQL)).exposures();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  private static List<String> cidrs(List<IPAddress> addresses) {
    return addresses.stream().map(IPAddress::toString).toList();
  }

  @Test
  void aSourcePortReturnBeforeTheDropLetsAClientThatBindsItIn() {
    PortReach e = exposure(ESTABLISHED + "-A DOCKER-USER -p tcp -m tcp --sport 443 -j RETURN\n"
        + "-A DOCKER-USER -i eth0 -j DROP\n");

    assertThat(cidrs(e.reachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(e.exact()).isTrue();
    SourceClass c = e.classes().get(0);
    assertThat(c.needs()).containsExactly(new AttackerChoice(List.of(PortRange.of(443)), List.of(), 0));
    assertThat(c.because()).endsWith("only from source port 443");
  }

  @Test
  void aDropOfThePlainSynLeavesTheSynWithPshOrUrg() {
    PortReach e = exposure("-A DOCKER-USER -i eth0 -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG SYN -j DROP\n");

    assertThat(cidrs(e.reachableFrom())).containsExactly("0.0.0.0/0");
    SourceClass c = e.classes().get(0);
    assertThat(c.needs()).hasSize(1);
    AttackerChoice needs = c.needs().get(0);
    assertThat(needs.sourcePorts()).isEmpty();
    // Every first packet but those without PSH and URG: 16 - 4.
    assertThat(needs.firstPackets()).hasSize(12)
        .allSatisfy(f -> assertThat(f & (TcpFlagBits.PSH | TcpFlagBits.URG)).isNotZero());
    assertThat(needs.describe())
        .isEqualTo("only with a SYN,PSH or SYN,URG or SYN,PSH,URG first packet (ECE, CWR either way)");
  }

  @Test
  void synDropsEveryFirstPacket() {
    // --syn is SYN,RST,ACK,FIN SYN: every first packet has exactly SYN of those four.
    PortReach e = exposure("-A DOCKER-USER -i eth0 -p tcp -m tcp --syn -j DROP\n");

    assertThat(e.reachableFrom()).isEmpty();
    assertThat(e.exact()).isTrue();
    assertThat(e.classes()).allSatisfy(c -> assertThat(c.needs()).isEmpty());
  }

  @Test
  void allSynDropLeavesEcnSynsBecauseAllIsOnlyTheSixClassicFlags() {
    // libxt_tcp's ALL is 0x3F: ECE and CWR are outside it, so SYN|ECE has ALL-bits == SYN too.
    PortReach e = exposure("-A DOCKER-USER -i eth0 -p tcp -m tcp --tcp-flags ALL SYN -j DROP\n");

    assertThat(cidrs(e.reachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(e.classes().get(0).needs().get(0).firstPackets()).doesNotContain(TcpFlagBits.SYN,
        TcpFlagBits.SYN | TcpFlagBits.ECE, TcpFlagBits.SYN | TcpFlagBits.CWR);
  }

  @Test
  void aSourcePortAcceptNarrowsASubnetsReach() {
    PortReach e = exposure(ESTABLISHED + "-A DOCKER-USER -s 198.51.100.0/24 -p tcp -m multiport --sports 1000:2000,3000 -j RETURN\n"
        + "-A DOCKER-USER -i eth0 -j DROP\n");

    assertThat(cidrs(e.reachableFrom())).containsExactly("198.51.100.0/24");
    SourceClass reachable = e.classes().stream().filter(c -> c.verdict() instanceof Verdict.Reachable).findFirst().orElseThrow();
    assertThat(reachable.needs()).containsExactly(
        new AttackerChoice(List.of(new PortRange(1000, 2000), PortRange.of(3000)), List.of(), 0));
  }

  @Test
  void aSourcePortDropThatMissesSomePortsStillLetsTheOthersThrough() {
    PortReach e = exposure("-A DOCKER-USER -i eth0 -p tcp ! --sport 1024:65535 -j DROP\n");

    assertThat(cidrs(e.reachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(e.classes().get(0).needs())
        .containsExactly(new AttackerChoice(List.of(new PortRange(1024, 65535)), List.of(), 0));
  }

  @Test
  void aDropOfEverySourcePortBlocksWithoutNeeds() {
    PortReach e = exposure("-A DOCKER-USER -i eth0 -p tcp --sport 0:1023 -j DROP\n"
        + "-A DOCKER-USER -i eth0 -p tcp --sport 1024:65535 -j DROP\n");

    assertThat(e.reachableFrom()).isEmpty();
    assertThat(e.exact()).isTrue();
  }

  @Test
  void aUdpSourcePortIsTheSendersToo() {
    Container dns = container("dns", "172.17.0.2", new dev.breakwater.host.PublishedPort(ip("0.0.0.0"), 53,
        53, Transport.UDP, Optional.of(ip("172.17.0.2"))));
    String rules = Layouts.docker20("", 53, 53, "-A DOCKER-USER -p udp --sport 53 -j RETURN\n-A DOCKER-USER -i eth0 -j DROP\n")
        .replace("-p tcp", "-p udp").replace("-m tcp", "-m udp");
    PortReach e = Reachability.of(host(RulesetFixture.parse(rules, IpFamily.V4), Optional.empty(), dns)).exposures().get(0);

    assertThat(cidrs(e.reachableFrom())).containsExactly("0.0.0.0/0");
    assertThat(e.classes().get(0).needs()).containsExactly(new AttackerChoice(List.of(PortRange.of(53)), List.of(), 0));
  }

  @Test
  void onlyFirstPacketsConntrackAdmitsAndAListenerAnswersAreChoices() {
    assertThat(TcpFlagBits.FIRST_PACKETS).hasSize(16).allSatisfy(f -> assertThat(TcpFlagBits.opensConnection(f)).isTrue());
    // tcp_valid_flags has no SYN|FIN or SYN|RST; a listener resets SYN|ACK (tcp_rcv_state_process).
    assertThat(TcpFlagBits.opensConnection(TcpFlagBits.SYN | TcpFlagBits.FIN)).isFalse();
    assertThat(TcpFlagBits.opensConnection(TcpFlagBits.SYN | TcpFlagBits.RST)).isFalse();
    assertThat(TcpFlagBits.opensConnection(TcpFlagBits.SYN | TcpFlagBits.ACK)).isFalse();
    assertThat(TcpFlagBits.names(TcpFlagBits.parse("syn,psh"))).isEqualTo("SYN,PSH");
  }
}
