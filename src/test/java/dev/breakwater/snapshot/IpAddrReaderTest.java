package dev.breakwater.snapshot;

import dev.breakwater.host.NetworkInterface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import inet.ipaddr.IPAddressString;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpAddrReaderTest {
  // Shape of "ip -j addr show" from iproute2 6.x on a Docker host (trimmed lifetimes).
  private static final String HOST = """
      [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN",
        "link_type":"loopback","address":"00:00:00:00:00:00",
        "addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo"},
                     {"family":"inet6","local":"::1","prefixlen":128,"scope":"host"}]},
       {"ifindex":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,
        "operstate":"UP","link_type":"ether",
        "addr_info":[{"family":"inet","local":"198.51.100.10","prefixlen":24,"broadcast":"198.51.100.255",
                      "scope":"global","label":"eth0"},
                     {"family":"inet6","local":"2001:db8:10::10","prefixlen":64,"scope":"global"}]},
       {"ifindex":3,"ifname":"docker0","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1500,
        "operstate":"DOWN","link_type":"ether",
        "addr_info":[{"family":"inet","local":"172.17.0.1","prefixlen":16,"scope":"global","label":"docker0"}]},
       {"ifindex":4,"ifname":"br-3f9a1c2b7d4e","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],
        "operstate":"UP","link_type":"ether",
        "addr_info":[{"family":"inet","local":"172.18.0.1","prefixlen":16,"scope":"global"}]},
       {"ifindex":6,"link_index":5,"ifname":"veth1a2b3c4","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],
        "master":"br-3f9a1c2b7d4e","operstate":"UP","link_type":"ether","link_netnsid":0,"addr_info":[]},
       {"ifindex":7,"ifname":"wg0","flags":["POINTOPOINT","NOARP"],"operstate":"DOWN","link_type":"none",
        "linkinfo":{"info_kind":"wireguard"},"addr_info":[]}]
      """;

  @Test
  void readsNamesAddressesWithPrefixesAndState() {
    List<NetworkInterface> interfaces = IpAddrReader.read(HOST, "ip-addr.json");

    assertThat(interfaces).extracting(NetworkInterface::name)
        .containsExactly("lo", "eth0", "docker0", "br-3f9a1c2b7d4e", "veth1a2b3c4", "wg0");
    NetworkInterface eth0 = interfaces.get(1);
    assertThat(eth0.up()).isTrue();
    assertThat(eth0.addresses()).containsExactly(
        new IPAddressString("198.51.100.10/24").getAddress(), new IPAddressString("2001:db8:10::10/64").getAddress());
    assertThat(eth0.addresses().getFirst().getNetworkPrefixLength()).isEqualTo(24);
    assertThat(interfaces.get(0).isLoopback()).isTrue();
  }

  @Test
  void upMeansAdministrativelyUpEvenWithoutCarrier() {
    List<NetworkInterface> interfaces = IpAddrReader.read(HOST, "ip-addr.json");

    assertThat(interfaces.get(2).up()).as("docker0 with no container: NO-CARRIER but UP").isTrue();
    assertThat(interfaces.get(5).up()).isFalse();
  }

  @Test
  void kindsComeFromLinkinfoOrAreInferredForBridgesAndVeths() {
    List<NetworkInterface> interfaces = IpAddrReader.read(HOST, "ip-addr.json");

    assertThat(interfaces).extracting(NetworkInterface::kind)
        .containsExactly("loopback", "ether", "bridge", "bridge", "veth", "wireguard");
    assertThat(interfaces.get(4).master()).isEqualTo("br-3f9a1c2b7d4e");
    assertThat(interfaces.get(1).master()).isEmpty();
  }

  @Test
  void badInputIsReportedWithLineAndColumn() {
    assertThatThrownBy(() -> IpAddrReader.read("[{\"ifname\": \"eth0\",\n \"addr_info\": [{\"local\": 17}]}]", "a.json"))
        .isInstanceOf(SnapshotFileException.class)
        .hasMessage("a.json:2:26: expected a string (at /0/addr_info/0/local)");
    assertThatThrownBy(() -> IpAddrReader.read("[{\"flags\": []}]", "a.json"))
        .hasMessageStartingWith("a.json:1:2: expected the interface's \"ifname\"");
    assertThatThrownBy(() -> IpAddrReader.read("1: lo: <LOOPBACK,UP>", "a.json"))
        .hasMessageStartingWith("a.json:1:")
        .hasMessageContaining("expected valid JSON (the output of ip -j addr show)");
  }
}
