package dev.breakwater.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.host.Route;
import dev.breakwater.host.RoutingRule;
import dev.breakwater.host.RoutingRule.Action;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IpRuleReaderTest {
  /** What iproute2 6.1's "ip -j rule show" printed for these rules (kernel 6.18), trimmed. */
  private static final String RULES = """
      [{"priority":0,"src":"all","table":"local"},
       {"priority":100,"src":"198.51.100.7","table":"100"},
       {"priority":101,"not":null,"src":"all","fwmark":"0xca6c","table":"51820"},
       {"priority":102,"src":"all","table":"main","suppress_prefixlen":0},
       {"priority":103,"src":"all","dst":"198.18.0.0","dstlen":15,"tos":"0x10","fwmark":"0x10","fwmask":"0xf0",
        "iif":"d0","iif_detached":null,"table":"52"},
       {"priority":104,"src":"all","ipproto":"tcp","sport_start":1000,"sport_end":2000,"dport":80,"goto":200,
        "unresolved":null},
       {"priority":105,"src":"all","uid_start":100,"uid_end":200,"action":"blackhole"},
       {"priority":106,"src":"all","oif":"d0","oif_detached":null,"action":"unreachable"},
       {"priority":108,"src":"all","nop":null},
       {"priority":111,"src":"all","iif":"nosuch","iif_detached":null,"table":"8","suppress_ifgroup":"5"},
       {"priority":112,"src":"all","l3mdev":null},
       {"priority":113,"src":"all","tun_id":5,"table":"9"},
       {"priority":114,"src":"198.51.100.0","srclen":24,"table":"local"},
       {"priority":116,"src":"all","iif":"lo","table":"999","protocol":"static"},
       {"priority":117,"src":"all","flowlabel":"0x1","table":"5"},
       {"priority":32766,"src":"all","table":"main"},
       {"priority":32767,"src":"all","table":"default"}]
      """;

  private static Map<Integer, RoutingRule> byPriority(String text) {
    return IpRuleReader.read(text, "ip-rule.json", IpFamily.V4).stream()
        .collect(Collectors.toMap(RoutingRule::priority, Function.identity()));
  }

  @Test
  void readsSelectorsAndActionsAsIprouteWritesThem() {
    Map<Integer, RoutingRule> r = byPriority(RULES);
    assertThat(r).hasSize(17);
    assertThat(r.get(0).isDefault()).isTrue();
    assertThat(r.get(32766).isDefault()).isTrue();
    assertThat(r.get(100).from()).contains(new IPAddressString("198.51.100.7/32").getAddress());
    assertThat(r.get(101).invert()).isTrue();
    assertThat(r.get(101).fwmark()).isEqualTo(0xca6c);
    assertThat(r.get(101).fwmask()).isEqualTo(0xffffffffL);
    assertThat(r.get(101).describe()).isEqualTo("101: not from all fwmark 0xca6c lookup 51820");
    assertThat(r.get(102).suppressPrefixLength()).isZero();
    assertThat(r.get(103).to()).contains(new IPAddressString("198.18.0.0/15").getAddress());
    assertThat(r.get(103).tos()).isEqualTo(0x10);
    assertThat(r.get(103).fwmask()).isEqualTo(0xf0);
    assertThat(r.get(103).iif()).contains("d0");
    assertThat(r.get(104).ipProtocol()).hasValue(6);
    assertThat(r.get(104).sourcePorts()).contains(new PortRange(1000, 2000));
    assertThat(r.get(104).destinationPorts()).contains(PortRange.of(80));
    assertThat(r.get(104).action()).isEqualTo(Action.GOTO);
    assertThat(r.get(104).gotoPriority()).isEqualTo(200);
    assertThat(r.get(105).uidRange()).contains(new RoutingRule.UidRange(100, 200));
    assertThat(r.get(105).action()).isEqualTo(Action.BLACKHOLE);
    assertThat(r.get(106).oif()).contains("d0");
    assertThat(r.get(106).action()).isEqualTo(Action.UNREACHABLE);
    assertThat(r.get(108).action()).isEqualTo(Action.NOP);
    assertThat(r.get(111).suppressInterfaceGroup()).contains("5");
    assertThat(r.get(112).l3mdev()).isTrue();
    assertThat(r.get(113).tunnelId()).hasValue(5);
    assertThat(r.get(114).from()).contains(new IPAddressString("198.51.100.0/24").getAddress());
    assertThat(r.get(116).unknownSelectors()).isEmpty();
    // A selector a newer iproute2 prints is kept as unknown: the rule's match is then a choice.
    assertThat(r.get(117).unknownSelectors()).containsExactly("flowlabel 0x1");
  }

  @Test
  void ipv6PrefixesAndTheTwoDefaultRules() {
    List<RoutingRule> rules = IpRuleReader.read("""
        [{"priority":0,"src":"all","table":"local"},{"priority":5,"src":"2001:db8::","srclen":32,"table":"6"},
         {"priority":32766,"src":"all","table":"main"}]""", "ip6-rule.json", IpFamily.V6);
    assertThat(rules.get(1).from()).contains(new IPAddressString("2001:db8::/32").getAddress());
    assertThat(RoutingRule.defaults(IpFamily.V6)).hasSize(2);
  }

  @Test
  void badInputNamesFileLineAndWhatWasExpected() {
    assertThatThrownBy(() -> IpRuleReader.read("[{\"priority\":5,\n \"src\":\"all\",\n \"fwmark\":\"0xzz\",\"table\":\"5\"}]",
        "ip-rule.json", IpFamily.V4)).hasMessageContaining("ip-rule.json:3").hasMessageContaining("hexadecimal");
    assertThatThrownBy(() -> IpRuleReader.read("[{\"src\":\"all\",\"table\":\"5\"}]", "ip-rule.json", IpFamily.V4))
        .hasMessageContaining("ip-rule.json:1").hasMessageContaining("priority");
    assertThatThrownBy(() -> IpRuleReader.read("[{\"priority\":1,\"src\":\"2001:db8::\",\"table\":\"5\"}]", "ip-rule.json",
        IpFamily.V4)).hasMessageContaining("IPv4 address");
    assertThatThrownBy(() -> IpRuleReader.read("[{\"priority\":1,\"src\":\"all\"}]", "ip-rule.json", IpFamily.V4))
        .hasMessageContaining("action");
    assertThatThrownBy(() -> IpRuleReader.read("{\"priority\":1}", "ip-rule.json", IpFamily.V4))
        .hasMessageContaining("array of rules");
  }

  @Test
  void routesOfEveryTableKeepTheirTable() {
    List<Route> routes = IpRouteReader.read("""
        [{"dst":"198.18.0.0/15","dev":"v0","table":"52","scope":"link","flags":[]},
         {"type":"throw","dst":"10.1.0.0/16","table":"100","flags":[]},
         {"dst":"default","gateway":"198.51.100.2","dev":"v0","flags":[]},
         {"type":"local","dst":"198.51.100.1","dev":"v0","table":"local","protocol":"kernel","scope":"host","flags":[]}]
        """, "ip-route.json", IpFamily.V4);
    assertThat(routes).extracting(Route::table).containsExactly("52", "100", "main", "local");
    assertThat(routes.get(1).type()).isEqualTo("throw");
    assertThat(routes.get(2).inMain()).isTrue();
  }
}
