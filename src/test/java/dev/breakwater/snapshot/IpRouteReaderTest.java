package dev.breakwater.snapshot;

import dev.breakwater.host.Route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddressString;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpRouteReaderTest {
  private static final String V4 = """
      [{"dst":"default","gateway":"198.51.100.1","dev":"eth0","protocol":"static","flags":[]},
       {"dst":"172.17.0.0/16","dev":"docker0","protocol":"kernel","scope":"link","prefsrc":"172.17.0.1","flags":["linkdown"]},
       {"dst":"198.51.100.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"198.51.100.10","flags":[]},
       {"type":"blackhole","dst":"10.99.0.0/16","flags":[]},
       {"dst":"198.18.0.7","gateway":"198.51.100.2","dev":"eth0","flags":[]}]
      """;
  private static final String V6 = """
      [{"dst":"2001:db8:10::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
       {"dst":"fe80::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
       {"dst":"default","gateway":"2001:db8:10::1","dev":"eth0","protocol":"static","metric":1024,"flags":[]}]
      """;

  @Test
  void readsDefaultPrefixesTypesAndGateways() {
    List<Route> routes = IpRouteReader.read(V4, "r.json", IpFamily.V4);

    assertThat(routes).hasSize(5);
    Route def = routes.getFirst();
    assertThat(def.isDefault()).isTrue();
    assertThat(def.family()).isEqualTo(IpFamily.V4);
    assertThat(def.gateway()).contains(new IPAddressString("198.51.100.1").getAddress());
    assertThat(def.device()).isEqualTo("eth0");
    assertThat(def.type()).isEqualTo("unicast");
    assertThat(routes.get(1).destination()).isEqualTo(new IPAddressString("172.17.0.0/16").getAddress());
    assertThat(routes.get(1).isDefault()).isFalse();
    assertThat(routes.get(3).type()).isEqualTo("blackhole");
    assertThat(routes.get(3).device()).isEmpty();
  }

  @Test
  void hostRouteGetsItsFullPrefixLength() {
    Route host = IpRouteReader.read(V4, "r.json", IpFamily.V4).get(4);

    assertThat(host.destination().getNetworkPrefixLength()).isEqualTo(32);
    assertThat(host.isDefault()).isFalse();
  }

  @Test
  void ipv6DefaultIsTheZeroPrefixOfItsFamily() {
    List<Route> routes = IpRouteReader.read(V6, "r6.json", IpFamily.V6);

    assertThat(routes).allMatch(r -> r.family() == IpFamily.V6);
    assertThat(routes.get(2).isDefault()).isTrue();
    assertThat(routes.get(2).destination()).isEqualTo(new IPAddressString("::/0").getAddress());
  }

  @Test
  void bothFamiliesAppendedToOneFile() {
    List<Route> routes = IpRouteReader.read(V4 + V6, "r.json", IpFamily.V4);

    assertThat(routes).hasSize(8);
    assertThat(routes).filteredOn(Route::isDefault).extracting(Route::family)
        .containsExactly(IpFamily.V4, IpFamily.V6);
    // A default route through a device alone names no address: the file's family decides.
    assertThat(IpRouteReader.read("[{\"dst\":\"default\",\"dev\":\"wg0\"}]", "r6.json", IpFamily.V6)
        .getFirst().destination()).isEqualTo(new IPAddressString("::/0").getAddress());
  }

  @Test
  void badDestinationIsReportedAtItsPlace() {
    assertThatThrownBy(() -> IpRouteReader.read("[\n {\"dst\": \"nowhere\", \"dev\": \"eth0\"}]", "r.json", IpFamily.V4))
        .isInstanceOf(SnapshotFileException.class)
        .hasMessage("r.json:2:10: expected \"default\", an address or a prefix, found 'nowhere' (at /0/dst)");
    assertThatThrownBy(() -> IpRouteReader.read("[{\"dev\": \"eth0\"}]", "r.json", IpFamily.V4))
        .hasMessageStartingWith("r.json:1:2: expected the route's \"dst\"");
  }
}
