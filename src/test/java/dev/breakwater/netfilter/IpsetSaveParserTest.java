package dev.breakwater.netfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IpsetSaveParserTest {

  static IPAddress net(String cidr) {
    return new IPAddressString(cidr).getAddress().toPrefixBlock();
  }

  @Test
  void readsAddressSetsInCreationOrder() {
    String dump = """
        create allow hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x4a2b1c3d
        add allow 198.51.100.0/24
        add allow 203.0.113.7
        create allow6 hash:net family inet6 hashsize 1024 maxelem 65536
        add allow6 2001:db8::/32
        create hosts hash:ip family inet hashsize 1024 maxelem 65536 timeout 300
        add hosts 198.51.100.9 timeout 120 comment "office \\"vpn\\""
        create range bitmap:ip range 198.51.100.0-198.51.100.255
        add range 198.51.100.1-198.51.100.6
        create nets hash:ip family inet netmask 24
        add nets 198.51.100.0
        create empty hash:net family inet
        """;
    Map<String, List<IPAddress>> sets = IpsetSaveParser.parse(dump, "ipset.txt");
    assertThat(sets.keySet()).containsExactly("allow", "allow6", "hosts", "range", "nets", "empty");
    assertThat(sets.get("allow")).containsExactly(net("198.51.100.0/24"), net("203.0.113.7/32"));
    assertThat(sets.get("allow6")).containsExactly(net("2001:db8::/32"));
    assertThat(sets.get("hosts")).containsExactly(net("198.51.100.9/32"));
    assertThat(sets.get("range")).containsExactly(net("198.51.100.1/32"), net("198.51.100.2/31"), net("198.51.100.4/31"),
        net("198.51.100.6/32"));
    assertThat(sets.get("nets")).containsExactly(net("198.51.100.0/24"));
    assertThat(sets.get("empty")).isEmpty();
  }

  @Test
  void leavesOutSetsThatAreNotPlainAddressLists() {
    String dump = """
        create ports hash:ip,port family inet
        add ports 198.51.100.1,tcp:80
        create holes hash:net family inet
        add holes 198.51.100.0/24
        add holes 198.51.100.128/25 nomatch
        create lists list:set size 8
        add lists ports
        create ok hash:net family inet
        add ok 10.0.0.0/8
        """;
    Map<String, List<IPAddress>> sets = IpsetSaveParser.parse(dump, "ipset.txt");
    assertThat(sets.keySet()).containsExactly("ok");
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of("add nope 10.0.0.1\n", "ipset.txt:1: expected 'create nope ...' before 'add nope ...'"),
        Arguments.of("create s hash:net family inet\nadd s 10.0.0.300\n", "ipset.txt:2: expected an IPv4 address"),
        Arguments.of("create s hash:net family inet\nadd s 2001:db8::1\n", "ipset.txt:2: expected an IPv4 address"),
        Arguments.of("create s hash:net family inet\ncreate s hash:net\n", "ipset.txt:2: expected each set created once"),
        Arguments.of("create s hash:net family ipx\n", "ipset.txt:1: expected 'family inet' or 'family inet6'"),
        Arguments.of("create s hash:ip netmask x\n", "ipset.txt:1: expected a netmask length"),
        Arguments.of("flush everything now\n", "ipset.txt:1: expected 'create NAME TYPE ...' or 'add NAME ENTRY ...'"),
        Arguments.of("create s\n", "ipset.txt:1: expected 'create NAME TYPE ...'"),
        Arguments.of("create s hash:net\nadd s 10.0.0.0/255.0.255.0\n", "ipset.txt:2: expected an address or prefix"),
        Arguments.of("create s hash:net comment \"x\n", "ipset.txt:1: expected a closing double quote"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("rejected")
  void rejects(String dump, String message) {
    assertThatThrownBy(() -> IpsetSaveParser.parse(dump, "ipset.txt"))
        .isInstanceOf(RulesetParseException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void feedsTheRulesetParser() {
    Map<String, List<IPAddress>> sets =
        IpsetSaveParser.parse("create office hash:net family inet\nadd office 198.51.100.0/24\n", "ipset.txt");
    String rules = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set office src -j ACCEPT\nCOMMIT\n";
    Ruleset rs = IptablesSaveParser.parse(rules, dev.breakwater.net.IpFamily.V4, "iptables-save.txt", sets);
    Match.IpSet match = (Match.IpSet) rs.chain(TableName.FILTER, "INPUT").orElseThrow().rules().get(0).matches().get(0);
    assertThat(match.members()).contains(List.of(net("198.51.100.0/24")));
  }
}
