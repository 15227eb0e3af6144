package dev.breakwater.reach;

import static dev.breakwater.reach.HostFixture.container;
import static dev.breakwater.reach.HostFixture.host;
import static dev.breakwater.reach.HostFixture.port;
import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** NETMAP is the prefix translation it is (xt_NETMAP); TPROXY is "possibly", named. */
class NetmapTest {
  private static final String HOST = HostFixture.HOST_V4;

  private static Reachability hostWith(String natPrerouting, String manglePrerouting) {
    String rules = Layouts.docker20("", 3306, 3306, "")
        .replace("*nat\n", "*nat\n")
        .replaceFirst("(?m)^(-A PREROUTING .*DOCKER)$", natPrerouting + "$1");
    if (!manglePrerouting.isEmpty()) {
      rules = "*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
          + ":POSTROUTING ACCEPT [0:0]\n" + manglePrerouting + "COMMIT\n" + rules;
    }
    var mysql = container("mysql", "172.17.0.2", port("0.0.0.0", 3306, 3306, "172.17.0.2"));
    return Reachability.of(host(RulesetFixture.parse(rules, IpFamily.V4), Optional.empty(), mysql));
  }

  @Test
  void netmapKeepsTheHostBits() {
    assertThat(Walk.netmapped(ip("192.0.2.10"), ip("172.17.0.0/24").toPrefixBlock()).toString()).isEqualTo("172.17.0.10");
    assertThat(Walk.netmapped(ip("203.0.113.77"), ip("10.1.0.0/16").toPrefixBlock()).toString()).isEqualTo("10.1.113.77");
    assertThat(Walk.netmapped(ip("2001:db8:1::10"), ip("2001:db8:2::/64").toPrefixBlock()).toString())
        .isEqualTo("2001:db8:2::10");
  }

  @Test
  void aNetmapInNatPreroutingIsFollowedToTheContainerItMapsTo() {
    // The host's 192.0.2.2 maps to 172.17.0.2, mysql's address: FORWARD's DOCKER accepts it.
    Reachability r = hostWith("-A PREROUTING -d 192.0.2.2/32 -i eth0 -j NETMAP --to 172.17.0.0/24\n", "");
    Trace t = r.trace(new Packet(ip("203.0.113.9"), ip("192.0.2.2"), Transport.TCP, 50000, 3306, "eth0"));

    assertThat(t.nat()).hasValueSatisfying(n -> assertThat(n.toAddress().toString()).isEqualTo("172.17.0.2"));
    assertThat(t.verdict().label()).isEqualTo("reachable");
    assertThat(t.decidedBy().orElseThrow().text()).contains("-d 172.17.0.2/32");
  }

  @Test
  void aNetmapThatTranslatesTheHostsOwnAddressDecidesThePublishedPort() {
    // Every packet to 192.0.2.0/24 (the host's own 192.0.2.10 included) is mapped to 172.17.0.0/24
    // before Docker's DNAT: the NAT core calls no further nat chain, so mysql's publish is bypassed
    // and 172.17.0.10 has no DOCKER accept.
    Reachability r = hostWith("-A PREROUTING -d 192.0.2.0/24 -i eth0 -j NETMAP --to 172.17.0.0/24\n", "");
    Trace t = r.trace(new Packet(ip("203.0.113.9"), ip(HOST), Transport.TCP, 50000, 3306, "eth0"));
    assertThat(t.nat()).hasValueSatisfying(n -> assertThat(n.toAddress().toString()).isEqualTo("172.17.0.10"));
    assertThat(t.nat().orElseThrow().rule().text()).contains("NETMAP");
    // The exposure stays exact: the NETMAP is followed, not guessed (docker0's own address,
    // outside the NETMAP's -d, still gets Docker's DNAT on Docker 20.10).
    assertThat(r.exposures().get(0).exact()).isTrue();
  }

  @Test
  void tproxyInManglePreroutingIsPossiblyAndNamed() {
    Reachability r = hostWith("", "-A PREROUTING -i eth0 -p tcp -m tcp --dport 3306 -j TPROXY --on-port 9000 "
        + "--on-ip 127.0.0.1 --tproxy-mark 0x1/0x1\n");
    PortReach e = r.exposures().get(0);

    assertThat(e.exact()).isFalse();
    assertThat(e.uncertainBecause()).singleElement().satisfies(rule -> assertThat(rule.text()).contains("TPROXY"));
  }
}
