package dev.breakwater.netfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import dev.breakwater.netfilter.Match.AddressType;
import dev.breakwater.netfilter.Match.CtState;
import dev.breakwater.netfilter.Match.HeaderKind;
import dev.breakwater.netfilter.Match.HeaderTest;
import dev.breakwater.netfilter.Match.LimitIface;
import dev.breakwater.netfilter.Match.PortField;
import dev.breakwater.netfilter.Match.Side;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IptablesSaveParserTest {

  // ---- helpers -------------------------------------------------------------------------------

  static IPAddress net(String cidr) {
    return new IPAddressString(cidr).getAddress().toPrefixBlock();
  }

  static IPAddress host(String address) {
    return new IPAddressString(address).getAddress();
  }

  /** The one rule of a filter table whose INPUT chain holds {@code -A INPUT options}. */
  static Rule rule(IpFamily family, String options) {
    String dump = "*filter\n:INPUT ACCEPT [0:0]\n:MYCHAIN - [0:0]\n-A INPUT " + options + "\nCOMMIT\n";
    return IptablesSaveParser.parse(dump, family, "t.txt").chain(TableName.FILTER, "INPUT").orElseThrow().rules().get(0);
  }

  static Rule rule(String options) {
    return rule(IpFamily.V4, options);
  }

  static String fixture(String name) throws IOException {
    try (InputStream in = IptablesSaveParserTest.class.getResourceAsStream("/netfilter/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Rule ruleAt(Ruleset rs, TableName table, String chain, int position) {
    return rs.chain(table, chain).orElseThrow().rules().get(position - 1);
  }

  // ---- matches ---------------------------------------------------------------------------------

  static Stream<Arguments> acceptedMatches() {
    return Stream.of(
        Arguments.of("-s 10.0.0.0/8", List.of(new Match.Address(Side.SOURCE, net("10.0.0.0/8"), false))),
        Arguments.of("-s 198.51.100.7", List.of(new Match.Address(Side.SOURCE, net("198.51.100.7/32"), false))),
        Arguments.of("-d 10.1.2.3/16", List.of(new Match.Address(Side.DESTINATION, net("10.1.0.0/16"), false))),
        Arguments.of("-s 10.0.0.0/255.255.0.0", List.of(new Match.Address(Side.SOURCE, net("10.0.0.0/16"), false))),
        Arguments.of("-s 10.0.0.0/255.0.255.0", List.of(new Match.Unknown("", "-s 10.0.0.0/255.0.255.0"))),
        Arguments.of("! -s 10.0.0.0/8", List.of(new Match.Address(Side.SOURCE, net("10.0.0.0/8"), true))),
        Arguments.of("-s ! 10.0.0.0/8", List.of(new Match.Address(Side.SOURCE, net("10.0.0.0/8"), true))),
        Arguments.of("--source 0.0.0.0/0", List.of(new Match.Address(Side.SOURCE, net("0.0.0.0/0"), false))),
        Arguments.of("-i eth0", List.of(new Match.Interface(true, "eth0", false))),
        Arguments.of("! -i docker0 -o docker0",
            List.of(new Match.Interface(true, "docker0", true), new Match.Interface(false, "docker0", false))),
        Arguments.of("-o br-+", List.of(new Match.Interface(false, "br-+", false))),
        Arguments.of("-i ! veth+", List.of(new Match.Interface(true, "veth+", true))),
        Arguments.of("-p tcp", List.of(new Match.Protocol(6, "tcp", false))),
        Arguments.of("-p 17", List.of(new Match.Protocol(17, "17", false))),
        Arguments.of("! -p udp", List.of(new Match.Protocol(17, "udp", true))),
        Arguments.of("-p sctp", List.of(new Match.Protocol(132, "sctp", false))),
        Arguments.of("-p all", List.of()),
        Arguments.of("-p icmp", List.of(new Match.Protocol(1, "icmp", false))),
        Arguments.of("-p tcp -m tcp --dport 22",
            List.of(new Match.Protocol(6, "tcp", false), new Match.Ports(PortField.DESTINATION, List.of(PortRange.of(22)), false))),
        Arguments.of("-p tcp --dport 22",
            List.of(new Match.Protocol(6, "tcp", false), new Match.Ports(PortField.DESTINATION, List.of(PortRange.of(22)), false))),
        Arguments.of("-p udp -m udp --sport 1024:65535",
            List.of(new Match.Protocol(17, "udp", false), new Match.Ports(PortField.SOURCE, List.of(new PortRange(1024, 65535)), false))),
        Arguments.of("-p tcp -m tcp --destination-port :1023",
            List.of(new Match.Protocol(6, "tcp", false), new Match.Ports(PortField.DESTINATION, List.of(new PortRange(0, 1023)), false))),
        Arguments.of("-p tcp -m tcp --source-port 8000:",
            List.of(new Match.Protocol(6, "tcp", false), new Match.Ports(PortField.SOURCE, List.of(new PortRange(8000, 65535)), false))),
        Arguments.of("-p tcp -m tcp ! --dport 22",
            List.of(new Match.Protocol(6, "tcp", false), new Match.Ports(PortField.DESTINATION, List.of(PortRange.of(22)), true))),
        Arguments.of("-p tcp -m tcp --dport ! 22",
            List.of(new Match.Protocol(6, "tcp", false), new Match.Ports(PortField.DESTINATION, List.of(PortRange.of(22)), true))),
        Arguments.of("-p tcp -m multiport --dports 80,443,8000:8010",
            List.of(new Match.Protocol(6, "tcp", false), new Match.Ports(PortField.DESTINATION,
                List.of(PortRange.of(80), PortRange.of(443), new PortRange(8000, 8010)), false))),
        Arguments.of("-p udp -m multiport ! --sports 53,123",
            List.of(new Match.Protocol(17, "udp", false),
                new Match.Ports(PortField.SOURCE, List.of(PortRange.of(53), PortRange.of(123)), true))),
        Arguments.of("-p tcp -m multiport --ports 25",
            List.of(new Match.Protocol(6, "tcp", false), new Match.Ports(PortField.EITHER, List.of(PortRange.of(25)), false))),
        Arguments.of("-m conntrack --ctstate RELATED,ESTABLISHED",
            List.of(new Match.ConnectionState(Set.of(CtState.RELATED, CtState.ESTABLISHED), false))),
        Arguments.of("-m conntrack ! --ctstate NEW,INVALID,UNTRACKED,SNAT,DNAT",
            List.of(new Match.ConnectionState(
                Set.of(CtState.NEW, CtState.INVALID, CtState.UNTRACKED, CtState.SNAT, CtState.DNAT), true))),
        Arguments.of("-m state --state NEW",
            List.of(new Match.ConnectionState(Set.of(CtState.NEW), false))),
        Arguments.of("-m conntrack --ctorigdstport 3306 --ctdir ORIGINAL",
            List.of(new Match.OriginalPort(Side.DESTINATION, PortRange.of(3306), false), new Match.ConntrackDirection(true))),
        Arguments.of("-m conntrack --ctorigsrcport 1000:2000 --ctdir REPLY",
            List.of(new Match.OriginalPort(Side.SOURCE, new PortRange(1000, 2000), false), new Match.ConntrackDirection(false))),
        Arguments.of("-m conntrack ! --ctorigsrc 198.51.100.0/24 --ctorigdst 203.0.113.9",
            List.of(new Match.OriginalAddress(Side.SOURCE, net("198.51.100.0/24"), true),
                new Match.OriginalAddress(Side.DESTINATION, net("203.0.113.9/32"), false))),
        Arguments.of("-m conntrack --ctstate NEW --ctstatus CONFIRMED --ctexpire 10:20",
            List.of(new Match.ConnectionState(Set.of(CtState.NEW), false),
                new Match.Unknown("conntrack", "--ctstatus CONFIRMED"), new Match.Unknown("conntrack", "--ctexpire 10:20"))),
        Arguments.of("-m addrtype --dst-type LOCAL",
            List.of(new Match.AddressTypeMatch(Side.DESTINATION, Set.of(AddressType.LOCAL), false, LimitIface.NONE))),
        Arguments.of("-m addrtype ! --src-type LOCAL,MULTICAST --limit-iface-in",
            List.of(new Match.AddressTypeMatch(Side.SOURCE, Set.of(AddressType.LOCAL, AddressType.MULTICAST), true,
                LimitIface.IN))),
        Arguments.of("-m addrtype --dst-type ! BROADCAST --limit-iface-out",
            List.of(new Match.AddressTypeMatch(Side.DESTINATION, Set.of(AddressType.BROADCAST), true, LimitIface.OUT))),
        Arguments.of("-m comment --comment \"DOCKER-USER \\\"x\\\"\"", List.of(new Match.Comment("DOCKER-USER \"x\""))),
        Arguments.of("-m comment --comment plain", List.of(new Match.Comment("plain"))),
        Arguments.of("-m comment --comment \"\\'dapp_Nginx%20Full\\'\"", List.of(new Match.Comment("'dapp_Nginx%20Full'"))),
        Arguments.of("-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN",
            List.of(new Match.Protocol(6, "tcp", false),
                new Match.TcpFlags(Set.of("FIN", "SYN", "RST", "ACK"), Set.of("SYN"), false))),
        Arguments.of("-p tcp -m tcp ! --tcp-flags ALL NONE",
            List.of(new Match.Protocol(6, "tcp", false),
                new Match.TcpFlags(Set.of("FIN", "SYN", "RST", "ACK", "URG", "PSH"), Set.of(), true))),
        Arguments.of("-p tcp ! --syn",
            List.of(new Match.Protocol(6, "tcp", false),
                new Match.TcpFlags(Set.of("FIN", "SYN", "RST", "ACK"), Set.of("SYN"), true))),
        Arguments.of("-p icmp -m icmp --icmp-type 8",
            List.of(new Match.Protocol(1, "icmp", false), new Match.IcmpType("8", false))),
        Arguments.of("-p icmp -m icmp ! --icmp-type echo-request",
            List.of(new Match.Protocol(1, "icmp", false), new Match.IcmpType("echo-request", true))),
        Arguments.of("-f", List.of(new Match.Fragment(false))),
        Arguments.of("! -f", List.of(new Match.Fragment(true))),
        Arguments.of("-m set --match-set blocklist src",
            List.of(new Match.IpSet("blocklist", List.of(Side.SOURCE), false, Optional.empty()))),
        Arguments.of("-m set ! --match-set pairs src,dst",
            List.of(new Match.IpSet("pairs", List.of(Side.SOURCE, Side.DESTINATION), true, Optional.empty()))),
        Arguments.of("-p tcp -m tcp -m udp -m sctp -m icmp", List.of(new Match.Protocol(6, "tcp", false))),
        Arguments.of("-m limit --limit 3/min --limit-burst 10",
            List.of(new Match.Unknown("limit", "--limit 3/min --limit-burst 10"))),
        Arguments.of("-m recent --update --seconds 30 --hitcount 6 --name DEFAULT --mask 255.255.255.255 --rsource",
            List.of(new Match.Unknown("recent",
                "--update --seconds 30 --hitcount 6 --name DEFAULT --mask 255.255.255.255 --rsource"))),
        Arguments.of("-m mark ! --mark 0x1/0xff", List.of(new Match.Mark(Match.MarkKind.PACKET, 0xff, 0x1, true))),
        Arguments.of("-m physdev --physdev-is-bridged", List.of(new Match.Unknown("physdev", "--physdev-is-bridged"))),
        Arguments.of("-m owner --uid-owner 1000", List.of(new Match.Unknown("owner", "--uid-owner 1000"))),
        Arguments.of("-m connmark --mark 0x2", List.of(new Match.Mark(Match.MarkKind.CONNECTION, 0xffffffffL, 0x2, false))),
        Arguments.of("-m string --string \"GET /\" --algo bm",
            List.of(new Match.Unknown("string", "--string \"GET /\" --algo bm"))),
        Arguments.of("-m u32 --u32 \"0>>22&0x3C@4=0x29\"", List.of(new Match.Unknown("u32", "--u32 \"0>>22&0x3C@4=0x29\""))),
        Arguments.of("-m bpf --bytecode \"4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0\"",
            List.of(new Match.Unknown("bpf", "--bytecode \"4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0\""))),
        Arguments.of("-m socket", List.of(new Match.Unknown("socket", ""))),
        Arguments.of("-m hashlimit --hashlimit-upto 5/sec --hashlimit-mode srcip --hashlimit-name x -s 10.0.0.0/8",
            List.of(new Match.Unknown("hashlimit", "--hashlimit-upto 5/sec --hashlimit-mode srcip --hashlimit-name x"),
                new Match.Address(Side.SOURCE, net("10.0.0.0/8"), false))),
        Arguments.of("-m frobnicate --wibble 3 -m comment --comment c",
            List.of(new Match.Unknown("frobnicate", "--wibble 3"), new Match.Comment("c"))),
        Arguments.of("-p tcp --tcp-option 2",
            List.of(new Match.Protocol(6, "tcp", false), new Match.Unknown("", "--tcp-option 2"))),
        Arguments.of("-p gre", List.of(new Match.Protocol(47, "gre", false))),
        Arguments.of("-p foo", List.of(new Match.Unknown("", "-p foo"))),
        Arguments.of("-c 5 300", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedMatches")
  void readsMatches(String options, List<Match> expected) {
    assertThat(rule(options).matches()).containsExactlyElementsOf(expected);
  }

  static Stream<Arguments> acceptedIpv6Matches() {
    return Stream.of(
        Arguments.of("-s 2001:db8::/32", List.of(new Match.Address(Side.SOURCE, net("2001:db8::/32"), false))),
        Arguments.of("! -d 2001:db8::1", List.of(new Match.Address(Side.DESTINATION, net("2001:db8::1/128"), true))),
        Arguments.of("-p ipv6-icmp -m icmp6 --icmpv6-type 128",
            List.of(new Match.Protocol(58, "ipv6-icmp", false), new Match.IcmpType("128", false))),
        Arguments.of("-p icmpv6 --icmpv6-type echo-request",
            List.of(new Match.Protocol(58, "icmpv6", false), new Match.IcmpType("echo-request", false))),
        Arguments.of("-m conntrack --ctorigdst 2001:db8::/48",
            List.of(new Match.OriginalAddress(Side.DESTINATION, net("2001:db8::/48"), false))),
        Arguments.of("-m rt --rt-type 0", List.of(fields(HeaderKind.ROUTING, "--rt-type 0"))),
        Arguments.of("-m rt ! --rt-type 0 --rt-segsleft 0:5 --rt-len 24",
            List.of(fields(HeaderKind.ROUTING, "! --rt-type 0 --rt-segsleft 0:5 --rt-len 24"))),
        Arguments.of("-m rt --rt-type 0 --rt-0-res --rt-0-addrs 2001:db8::1,2001:db8::2 --rt-0-not-strict",
            List.of(fields(HeaderKind.ROUTING, "--rt-type 0 --rt-0-res --rt-0-addrs 2001:db8::1,2001:db8::2 --rt-0-not-strict"))),
        Arguments.of("-m rt", List.of(fields(HeaderKind.ROUTING, ""))),
        Arguments.of("-m frag --fragid 1:100 ! --fraglen 8 --fragres --fragfirst",
            List.of(fields(HeaderKind.FRAGMENT, "--fragid 1:100 ! --fraglen 8 --fragres --fragfirst"))),
        Arguments.of("-m frag --fragmore", List.of(fields(HeaderKind.FRAGMENT, "--fragmore"))),
        Arguments.of("-m frag --fraglast", List.of(fields(HeaderKind.FRAGMENT, "--fraglast"))),
        Arguments.of("-m hbh --hbh-len 8 --hbh-opts 1:4,5", List.of(fields(HeaderKind.HOP_BY_HOP, "--hbh-len 8 --hbh-opts 1:4,5"))),
        Arguments.of("-m dst ! --dst-len 8 --dst-opts 201",
            List.of(fields(HeaderKind.DESTINATION_OPTIONS, "! --dst-len 8 --dst-opts 201"))),
        Arguments.of("-m ah --ahspi 500", List.of(fields(HeaderKind.AUTHENTICATION, "--ahspi 500"))),
        Arguments.of("-p esp -m esp --espspi 500:600",
            List.of(new Match.Protocol(50, "esp", false), fields(HeaderKind.ESP, "--espspi 500:600"))),
        Arguments.of("-m rt --rt-wrong 1", List.of(new Match.Unknown("rt", "--rt-wrong 1"))),
        Arguments.of("-m ipv6header --header frag --soft",
            List.of(new Match.ExtensionHeader(HeaderTest.ALL_PRESENT, Set.of(HeaderKind.FRAGMENT), "--header frag --soft"))),
        Arguments.of("-m ipv6header ! --header hop-by-hop,ipv6-route --soft",
            List.of(new Match.ExtensionHeader(HeaderTest.NONE_PRESENT, Set.of(HeaderKind.HOP_BY_HOP, HeaderKind.ROUTING),
                "! --header hop-by-hop,ipv6-route --soft"))),
        Arguments.of("-m ipv6header --header dst,auth,esp,none,prot",
            List.of(new Match.ExtensionHeader(HeaderTest.EXACTLY, Set.of(HeaderKind.DESTINATION_OPTIONS,
                HeaderKind.AUTHENTICATION, HeaderKind.ESP, HeaderKind.NO_NEXT_HEADER, HeaderKind.UPPER_LAYER),
                "--header dst,auth,esp,none,prot"))),
        Arguments.of("-m ipv6header ! --header 44",
            List.of(new Match.ExtensionHeader(HeaderTest.NOT_EXACTLY, Set.of(HeaderKind.FRAGMENT), "! --header 44"))));
  }

  private static Match fields(HeaderKind kind, String text) {
    return new Match.ExtensionHeader(HeaderTest.FIELDS, Set.of(kind), text);
  }

  static Stream<Arguments> rejectedIpv6Matches() {
    return Stream.of(
        Arguments.of("-m ipv6header --header bogus", "IPv6 header names"),
        Arguments.of("-m ipv6header --soft", "--header LIST"),
        Arguments.of("-m rt --rt-type", "one value after --rt-type"),
        Arguments.of("-m frag --fragfirst 1", "no value after --fragfirst"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejectedIpv6Matches")
  void rejectsMalformedExtensionHeaderMatches(String options, String expected) {
    assertThatThrownBy(() -> rule(IpFamily.V6, options)).hasMessageContaining(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedIpv6Matches")
  void readsIpv6Matches(String options, List<Match> expected) {
    assertThat(rule(IpFamily.V6, options).matches()).containsExactlyElementsOf(expected);
  }

  // ---- targets ---------------------------------------------------------------------------------

  static Stream<Arguments> acceptedTargets() {
    return Stream.of(
        Arguments.of("-j ACCEPT", new Target.Accept()),
        Arguments.of("-j DROP", new Target.Drop()),
        Arguments.of("-j RETURN", new Target.Return()),
        Arguments.of("-j REJECT", new Target.Reject("")),
        Arguments.of("-j REJECT --reject-with tcp-reset", new Target.Reject("tcp-reset")),
        Arguments.of("-j MYCHAIN", new Target.Jump("MYCHAIN")),
        Arguments.of("--jump MYCHAIN", new Target.Jump("MYCHAIN")),
        Arguments.of("-g MYCHAIN", new Target.Goto("MYCHAIN")),
        Arguments.of("", new Target.Continue("", "")),
        Arguments.of("-p tcp", new Target.Continue("", "")),
        Arguments.of("-j LOG --log-prefix \"[UFW BLOCK] \" --log-level 4",
            new Target.Continue("LOG", "--log-prefix \"[UFW BLOCK] \" --log-level 4")),
        Arguments.of("-j NFLOG --nflog-group 5", new Target.Continue("NFLOG", "--nflog-group 5")),
        Arguments.of("-j ULOG", new Target.Continue("ULOG", "")),
        Arguments.of("-j TRACE", new Target.Continue("TRACE", "")),
        Arguments.of("-j MARK --set-xmark 0x1/0xffffffff",
            new Target.SetMark(Match.MarkKind.PACKET, Match.MarkKind.PACKET, 0xffffffffL, 0x1, "MARK --set-xmark 0x1/0xffffffff")),
        Arguments.of("-j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff",
            new Target.SetMark(Match.MarkKind.CONNECTION, Match.MarkKind.PACKET, 0, 0,
                "CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff")),
        Arguments.of("-j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff", new Target.Continue("CONNMARK", "--save-mark --nfmask 0xff --ctmask 0xff")),
        Arguments.of("-j CT --notrack", new Target.Continue("CT", "--notrack")),
        Arguments.of("-j AUDIT --type drop", new Target.Continue("AUDIT", "--type drop")),
        Arguments.of("-j CHECKSUM --checksum-fill", new Target.Continue("CHECKSUM", "--checksum-fill")),
        Arguments.of("-p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
            new Target.Continue("TCPMSS", "--clamp-mss-to-pmtu")),
        Arguments.of("-j TOS --set-tos 0x10", new Target.Continue("TOS", "--set-tos 0x10")),
        Arguments.of("-j DSCP --set-dscp 0x2e", new Target.Continue("DSCP", "--set-dscp 0x2e")),
        Arguments.of("-j CLASSIFY --set-class 1:10", new Target.Continue("CLASSIFY", "--set-class 1:10")),
        Arguments.of("-j DNAT --to-destination 172.17.0.2:3306",
            new Target.Dnat(Optional.of(host("172.17.0.2")), Optional.of(host("172.17.0.2")),
                Optional.of(PortRange.of(3306)), "--to-destination 172.17.0.2:3306")),
        Arguments.of("-j DNAT --to-destination 172.17.0.2",
            new Target.Dnat(Optional.of(host("172.17.0.2")), Optional.of(host("172.17.0.2")), Optional.empty(),
                "--to-destination 172.17.0.2")),
        Arguments.of("-j DNAT --to-destination 10.0.0.1:8000-8010",
            new Target.Dnat(Optional.of(host("10.0.0.1")), Optional.of(host("10.0.0.1")),
                Optional.of(new PortRange(8000, 8010)), "--to-destination 10.0.0.1:8000-8010")),
        Arguments.of("-j DNAT --to-destination 10.0.0.1-10.0.0.9:80 --random",
            new Target.Dnat(Optional.of(host("10.0.0.1")), Optional.of(host("10.0.0.9")),
                Optional.of(PortRange.of(80)), "--to-destination 10.0.0.1-10.0.0.9:80 --random")),
        Arguments.of("-j DNAT --to-destination :8080",
            new Target.Dnat(Optional.empty(), Optional.empty(), Optional.of(PortRange.of(8080)),
                "--to-destination :8080")),
        Arguments.of("-j REDIRECT --to-ports 8080", new Target.Redirect(Optional.of(PortRange.of(8080)))),
        Arguments.of("-j REDIRECT --to-ports 8080-8090", new Target.Redirect(Optional.of(new PortRange(8080, 8090)))),
        Arguments.of("-j REDIRECT", new Target.Redirect(Optional.empty())),
        Arguments.of("-j SNAT --to-source 192.0.2.1", new Target.SourceNat("SNAT", "--to-source 192.0.2.1")),
        Arguments.of("-j MASQUERADE", new Target.SourceNat("MASQUERADE", "")),
        Arguments.of("-j MASQUERADE --to-ports 1024-65535", new Target.SourceNat("MASQUERADE", "--to-ports 1024-65535")),
        Arguments.of("-j NETMAP --to 10.0.0.0/24", new Target.Netmap(new IPAddressString("10.0.0.0/24").getAddress(), "--to 10.0.0.0/24")),
        Arguments.of("-j NONEXISTENT", new Target.Unknown("NONEXISTENT", "")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedTargets")
  void readsTargets(String options, Target expected) {
    assertThat(rule(options).target()).isEqualTo(expected);
  }

  static Stream<Arguments> acceptedIpv6Targets() {
    return Stream.of(
        Arguments.of("-j DNAT --to-destination [fd00::2]:80",
            new Target.Dnat(Optional.of(host("fd00::2")), Optional.of(host("fd00::2")), Optional.of(PortRange.of(80)),
                "--to-destination [fd00::2]:80")),
        Arguments.of("-j DNAT --to-destination fd00::2",
            new Target.Dnat(Optional.of(host("fd00::2")), Optional.of(host("fd00::2")), Optional.empty(),
                "--to-destination fd00::2")),
        Arguments.of("-j DNAT --to-destination [fd00::2-fd00::9]:8000-8001",
            new Target.Dnat(Optional.of(host("fd00::2")), Optional.of(host("fd00::9")),
                Optional.of(new PortRange(8000, 8001)), "--to-destination [fd00::2-fd00::9]:8000-8001")),
        Arguments.of("-j REJECT --reject-with icmp6-adm-prohibited", new Target.Reject("icmp6-adm-prohibited")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedIpv6Targets")
  void readsIpv6Targets(String options, Target expected) {
    assertThat(rule(IpFamily.V6, options).target()).isEqualTo(expected);
  }

  @Test
  void aUserChainNamedLikeATargetIsAJump() {
    String dump = """
        *filter
        :INPUT ACCEPT [0:0]
        :LOG - [0:0]
        -A INPUT -j LOG
        -A INPUT -j LOG2
        COMMIT
        """;
    Chain input = IptablesSaveParser.parse(dump, IpFamily.V4, "t").chain(TableName.FILTER, "INPUT").orElseThrow();
    assertThat(input.rules().get(0).target()).isEqualTo(new Target.Jump("LOG"));
    assertThat(input.rules().get(1).target()).isEqualTo(new Target.Unknown("LOG2", ""));
  }

  @Test
  void aJumpToAChainDeclaredInAnotherTableIsNotAJump() {
    String dump = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        -A INPUT -j DOCKER
        COMMIT
        """;
    Ruleset rs = IptablesSaveParser.parse(dump, IpFamily.V4, "t");
    assertThat(ruleAt(rs, TableName.FILTER, "INPUT", 1).target()).isEqualTo(new Target.Unknown("DOCKER", ""));
    assertThat(rs.warnings()).singleElement().asString().startsWith("t:7: target 'DOCKER' is not modelled");
  }

  @Test
  void aJumpToAChainDeclaredAfterTheRuleIsStillAJump() {
    String dump = """
        *filter
        :INPUT ACCEPT [0:0]
        -A INPUT -j LATER
        :LATER - [0:0]
        COMMIT
        """;
    Rule rule = ruleAt(IptablesSaveParser.parse(dump, IpFamily.V4, "t"), TableName.FILTER, "INPUT", 1);
    assertThat(rule.target()).isEqualTo(new Target.Jump("LATER"));
  }

  @Test
  void optionsAfterTheTargetThatAreMatchesStayMatches() {
    Rule r = rule("-j LOG --log-prefix x -s 10.0.0.0/8 --log-level 4");
    assertThat(r.matches()).containsExactly(new Match.Address(Side.SOURCE, net("10.0.0.0/8"), false));
    assertThat(r.target()).isEqualTo(new Target.Continue("LOG", "--log-prefix x -s 10.0.0.0/8 --log-level 4"));
  }

  // ---- ipsets ----------------------------------------------------------------------------------

  @Test
  void fillsSetMembersFromAnIpsetDump() {
    Map<String, List<IPAddress>> sets = Map.of("allow", List.of(net("198.51.100.0/24")));
    String dump = """
        *filter
        :INPUT ACCEPT [0:0]
        -A INPUT -m set --match-set allow src -j ACCEPT
        -A INPUT -m set --match-set missing src -j DROP
        COMMIT
        """;
    Ruleset rs = IptablesSaveParser.parse(dump, IpFamily.V4, "t", sets);
    assertThat(ruleAt(rs, TableName.FILTER, "INPUT", 1).matches())
        .containsExactly(new Match.IpSet("allow", List.of(Side.SOURCE), false, Optional.of(List.of(net("198.51.100.0/24")))));
    assertThat(ruleAt(rs, TableName.FILTER, "INPUT", 2).matches())
        .containsExactly(new Match.IpSet("missing", List.of(Side.SOURCE), false, Optional.empty()));
  }

  // ---- whole dumps -----------------------------------------------------------------------------

  @Test
  void docker20WithCounters() throws IOException {
    Ruleset rs = IptablesSaveParser.parse(fixture("docker20-counters.txt"), IpFamily.V4, "iptables-save.txt");
    assertThat(rs.tables().keySet()).containsExactlyInAnyOrder(TableName.NAT, TableName.FILTER);
    assertThat(rs.warnings()).isEmpty();

    Table filter = rs.table(TableName.FILTER).orElseThrow();
    assertThat(filter.chains().keySet()).containsExactly(
        "INPUT", "FORWARD", "OUTPUT", "DOCKER", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2", "DOCKER-USER");
    Chain forward = filter.chain("FORWARD").orElseThrow();
    assertThat(forward.policy()).contains(Chain.Policy.DROP);
    assertThat(forward.line()).isEqualTo(19);
    assertThat(forward.rules()).hasSize(6);
    assertThat(forward.rules()).extracting(Rule::position).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(forward.rules().get(0).target()).isEqualTo(new Target.Jump("DOCKER-USER"));
    assertThat(filter.chain("INPUT").orElseThrow().counters()).isEqualTo(new Counters(48911, 10871265));
    assertThat(filter.chain("DOCKER-USER").orElseThrow().policy()).isEmpty();

    Rule accept = ruleAt(rs, TableName.FILTER, "DOCKER", 1);
    assertThat(accept.line()).isEqualTo(31);
    assertThat(accept.counters()).isEqualTo(new Counters(57, 3420));
    assertThat(accept.text())
        .isEqualTo("[57:3420] -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 6379 -j ACCEPT");
    assertThat(accept.citation()).isEqualTo("filter/DOCKER #1 (line 31)");
    assertThat(accept.matches()).containsExactly(
        new Match.Address(Side.DESTINATION, net("172.17.0.2/32"), false),
        new Match.Interface(true, "docker0", true),
        new Match.Interface(false, "docker0", false),
        new Match.Protocol(6, "tcp", false),
        new Match.Ports(PortField.DESTINATION, List.of(PortRange.of(6379)), false));
    assertThat(accept.target()).isEqualTo(new Target.Accept());

    Rule dnat = ruleAt(rs, TableName.NAT, "DOCKER", 2);
    assertThat(dnat.target()).isEqualTo(new Target.Dnat(Optional.of(host("172.17.0.2")), Optional.of(host("172.17.0.2")),
        Optional.of(PortRange.of(6379)), "--to-destination 172.17.0.2:6379"));
    assertThat(ruleAt(rs, TableName.NAT, "PREROUTING", 1).target()).isEqualTo(new Target.Jump("DOCKER"));
    assertThat(rs.table(TableName.NAT).orElseThrow().chains().values().stream().flatMap(c -> c.rules().stream()))
        .allSatisfy(r -> assertThat(r.table()).isEqualTo(TableName.NAT));
  }

  @Test
  void docker28NftVariant() throws IOException {
    Ruleset rs = IptablesSaveParser.parse(fixture("docker28-nft.txt"), IpFamily.V4, "iptables-save.txt");
    assertThat(rs.tables().keySet()).containsExactlyInAnyOrder(TableName.RAW, TableName.FILTER, TableName.NAT);
    assertThat(rs.warnings()).isEmpty();
    Rule rawDrop = ruleAt(rs, TableName.RAW, "PREROUTING", 1);
    assertThat(rawDrop.matches()).containsExactly(
        new Match.Address(Side.DESTINATION, net("172.17.0.2/32"), false), new Match.Interface(true, "docker0", true));
    assertThat(rawDrop.target()).isEqualTo(new Target.Drop());

    assertThat(rs.chain(TableName.FILTER, "DOCKER-FORWARD").orElseThrow().rules())
        .extracting(Rule::target)
        .startsWith(new Target.Jump("DOCKER-CT"), new Target.Jump("DOCKER-ISOLATION-STAGE-1"), new Target.Jump("DOCKER-BRIDGE"));
    Rule userDrop = ruleAt(rs, TableName.FILTER, "DOCKER-USER", 2);
    assertThat(userDrop.matches()).containsExactly(
        new Match.Interface(true, "eth0", false),
        new Match.OriginalPort(Side.DESTINATION, PortRange.of(3306), false),
        new Match.ConntrackDirection(true),
        new Match.Comment("breakwater: \"db\" stays private"));
    assertThat(userDrop.hasUnknown()).isFalse();
    Rule loopbackOnly = ruleAt(rs, TableName.NAT, "DOCKER", 2);
    assertThat(loopbackOnly.matches().get(0)).isEqualTo(new Match.Address(Side.DESTINATION, net("127.0.0.1/32"), false));
  }

  @Test
  void ufwFullChainSet() throws IOException {
    Ruleset rs = IptablesSaveParser.parse(fixture("ufw.txt"), IpFamily.V4, "iptables-save.txt");
    Table filter = rs.table(TableName.FILTER).orElseThrow();
    assertThat(filter.chains()).hasSize(35);
    assertThat(filter.chains().keySet()).contains("ufw-before-input", "ufw-user-input", "ufw-user-forward",
        "ufw-not-local", "ufw-skip-to-policy-input", "ufw-user-limit-accept");
    assertThat(filter.chain("INPUT").orElseThrow().policy()).contains(Chain.Policy.DROP);
    assertThat(filter.chain("INPUT").orElseThrow().rules()).extracting(Rule::target)
        .allSatisfy(t -> assertThat(t).isInstanceOf(Target.Jump.class));

    Rule limitLog = ruleAt(rs, TableName.FILTER, "ufw-after-logging-input", 1);
    assertThat(limitLog.matches()).containsExactly(new Match.Unknown("limit", "--limit 3/min --limit-burst 10"));
    assertThat(limitLog.target()).isEqualTo(new Target.Continue("LOG", "--log-prefix \"[UFW BLOCK] \""));

    Rule recent = ruleAt(rs, TableName.FILTER, "ufw-user-input", 1);
    assertThat(recent.matches()).containsExactly(
        new Match.Protocol(6, "tcp", false),
        new Match.Ports(PortField.DESTINATION, List.of(PortRange.of(22)), false),
        new Match.ConnectionState(Set.of(CtState.NEW), false),
        new Match.Unknown("recent", "--set --name DEFAULT --mask 255.255.255.255 --rsource"));
    assertThat(recent.target()).isEqualTo(new Target.Continue("", ""));
    assertThat(ruleAt(rs, TableName.FILTER, "ufw-user-input", 2).target()).isEqualTo(new Target.Jump("ufw-user-limit"));
    assertThat(ruleAt(rs, TableName.FILTER, "ufw-user-input", 4).matches())
        .contains(new Match.Comment("'dapp_Nginx%20Full'"));
    assertThat(ruleAt(rs, TableName.FILTER, "ufw-user-limit", 2).target()).isEqualTo(new Target.Reject("icmp-port-unreachable"));

    assertThat(rs.warnings()).containsExactly(
        "iptables-save.txt:63: match module 'limit' is not modelled; answers that depend on it say 'possibly' (7 rules)",
        "iptables-save.txt:100: match module 'recent' is not modelled; answers that depend on it say 'possibly' (2 rules)");
  }

  @Test
  void ipv6DockerAndUfw() throws IOException {
    Ruleset rs = IptablesSaveParser.parse(fixture("ipv6-docker-ufw.txt"), IpFamily.V6, "ip6tables-save.txt");
    assertThat(rs.family()).isEqualTo(IpFamily.V6);
    Rule dnat = ruleAt(rs, TableName.NAT, "DOCKER", 1);
    assertThat(dnat.target()).isEqualTo(new Target.Dnat(Optional.of(host("fd00:dead:beef::2")),
        Optional.of(host("fd00:dead:beef::2")), Optional.of(PortRange.of(80)),
        "--to-destination [fd00:dead:beef::2]:80"));
    assertThat(ruleAt(rs, TableName.FILTER, "ufw6-before-input", 4).matches())
        .containsExactly(new Match.Protocol(58, "ipv6-icmp", false), new Match.IcmpType("1", false));
    assertThat(ruleAt(rs, TableName.FILTER, "ufw6-before-input", 5).matches())
        .contains(new Match.Unknown("hl", "--hl-eq 255"));
    assertThat(ruleAt(rs, TableName.FILTER, "ufw6-user-input", 1).matches().get(0))
        .isEqualTo(new Match.Address(Side.SOURCE, net("2001:db8:1::/48"), false));
    assertThat(ruleAt(rs, TableName.NAT, "OUTPUT", 1).matches().get(0))
        .isEqualTo(new Match.Address(Side.DESTINATION, net("::1/128"), true));
  }

  @Test
  void allFiveTablesCrlfAndBlankLines() {
    String dump = "# Generated by iptables-save\r\n\r\n*raw\r\n:PREROUTING ACCEPT [0:0]\r\nCOMMIT\r\n"
        + "*mangle\n:PREROUTING ACCEPT [1:2]\n-A PREROUTING -j MARK --set-mark 1\nCOMMIT\n"
        + "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n"
        + "*filter\n:INPUT ACCEPT [0:0]\n  \nCOMMIT\n"
        + "*security\n:INPUT ACCEPT [0:0]\n-A INPUT -j CONNSECMARK --restore\nCOMMIT";
    Ruleset rs = IptablesSaveParser.parse(dump, IpFamily.V4, "t");
    assertThat(rs.tables().keySet()).containsExactlyInAnyOrder(TableName.values());
    Rule mark = ruleAt(rs, TableName.MANGLE, "PREROUTING", 1);
    assertThat(mark.line()).isEqualTo(8);
    assertThat(mark.text()).isEqualTo("-A PREROUTING -j MARK --set-mark 1");
    assertThat(ruleAt(rs, TableName.SECURITY, "INPUT", 1).target()).isEqualTo(new Target.Continue("CONNSECMARK", "--restore"));
  }

  @Test
  void warnsWhenIptablesNftSaveCouldNotPrintEverything() {
    String dump = """
        # Warning: iptables-legacy tables present, use iptables-legacy-save to see them
        # Generated by iptables-nft-save v1.8.7 on Tue Nov 24 14:00:00 2026
        # Table `filter' is incompatible, use 'nft' tool.
        *nat
        :PREROUTING ACCEPT [0:0]
        COMMIT
        """;
    Ruleset rs = IptablesSaveParser.parse(dump, IpFamily.V4, "t");
    assertThat(rs.tables().keySet()).containsExactly(TableName.NAT);
    assertThat(rs.warnings()).hasSize(2);
    assertThat(rs.warnings().get(0)).startsWith("t:1: rules also exist in the iptables-legacy backend");
    assertThat(rs.warnings().get(1)).startsWith("t:3: iptables-nft-save could not print a table")
        .contains("Table `filter' is incompatible");
  }

  @Test
  void anEmptyDumpIsAnEmptyRuleset() {
    assertThat(IptablesSaveParser.parse("", IpFamily.V4, "t").tables()).isEmpty();
    assertThat(IptablesSaveParser.parse("# nothing\n", IpFamily.V6, "t").tables()).isEmpty();
  }

  // ---- rejected input --------------------------------------------------------------------------

  static Stream<Arguments> rejectedDumps() {
    String head = "*filter\n:INPUT ACCEPT [0:0]\n";
    return Stream.of(
        // A rule alone is an iptables -S listing (see the listing tests): an undeclared chain is still refused.
        Arguments.of("-A FOO -j ACCEPT\n", "t:1: expected a chain declared in table 'filter' ('-N FOO' before its rules)"),
        Arguments.of("-P INPUT ACCEPT\n-X INPUT\n", "t:2: expected an 'iptables -S' line"),
        Arguments.of(":INPUT ACCEPT [0:0]\n", "t:1: expected '*table'"),
        Arguments.of(head + "-A FORWARD -j ACCEPT\nCOMMIT\n", "t:3: expected a chain declared in table 'filter'"),
        Arguments.of(head + "-A INPUT -j ACCEPT\n", "t:1: expected COMMIT to end table 'filter'"),
        Arguments.of(head + "*nat\nCOMMIT\n", "t:3: expected COMMIT before table 'nat'"),
        Arguments.of("COMMIT\n", "t:1: expected '*table' before COMMIT"),
        Arguments.of("*bogus\nCOMMIT\n", "t:1: expected a table name"),
        Arguments.of(head + "COMMIT\n*filter\nCOMMIT\n", "t:4: expected each table once"),
        Arguments.of(head + ":INPUT DROP [0:0]\nCOMMIT\n", "t:3: expected each chain declared once"),
        Arguments.of(head + ":X MAYBE [0:0]\nCOMMIT\n", "t:3: expected a chain policy"),
        Arguments.of(head + ":X - [a:b]\nCOMMIT\n", "t:3: expected counters"),
        Arguments.of(head + "[1:x] -A INPUT\nCOMMIT\n", "t:3: expected counters"),
        Arguments.of(head + "hello world\nCOMMIT\n", "t:3: expected '*table', ':CHAIN POLICY"),
        Arguments.of(head + "-I INPUT 1 -j ACCEPT\nCOMMIT\n", "t:3: expected '-A CHAIN'"),
        Arguments.of(head + "-A\nCOMMIT\n", "t:3: expected a chain name after -A"),
        Arguments.of(head + "-A INPUT -s\nCOMMIT\n", "t:3: expected a value after -s"),
        Arguments.of(head + "-A INPUT -p tcp -m tcp --dport\nCOMMIT\n", "t:3: expected a value after --dport"),
        Arguments.of(head + "-A INPUT -j\nCOMMIT\n", "t:3: expected a value after -j"),
        Arguments.of(head + "-A INPUT -m\nCOMMIT\n", "t:3: expected a value after -m"),
        Arguments.of(head + "-A INPUT -s 10.0.0.300\nCOMMIT\n", "t:3: expected an IPv4 address, got '10.0.0.300'"),
        Arguments.of(head + "-A INPUT -s 10.0.0.0/33\nCOMMIT\n", "t:3: expected a prefix length of 0 to 32"),
        Arguments.of(head + "-A INPUT -s 2001:db8::1\nCOMMIT\n", "t:3: expected an IPv4 address, got the IPv6"),
        Arguments.of(head + "-A INPUT -s 10.0.0.1,10.0.0.2\nCOMMIT\n", "t:3: expected one address after -s"),
        Arguments.of(head + "-A INPUT -p tcp --dport 70000\nCOMMIT\n", "t:3: expected a port (0-65535)"),
        Arguments.of(head + "-A INPUT -p tcp --dport ssh\nCOMMIT\n", "t:3: expected a port (0-65535)"),
        Arguments.of(head + "-A INPUT -p tcp -m multiport --dports 80,,443\nCOMMIT\n", "t:3: expected a port"),
        Arguments.of(head + "-A INPUT -m conntrack --ctstate NEWISH\nCOMMIT\n", "t:3: expected connection states"),
        Arguments.of(head + "-A INPUT -m conntrack --ctdir SIDEWAYS\nCOMMIT\n", "t:3: expected ORIGINAL or REPLY"),
        Arguments.of(head + "-A INPUT -m addrtype --dst-type HOME\nCOMMIT\n", "t:3: expected address types"),
        Arguments.of(head + "-A INPUT -m set --match-set onlyname\nCOMMIT\n", "t:3: expected a set name and src/dst"),
        Arguments.of(head + "-A INPUT -m set --match-set s up\nCOMMIT\n", "t:3: expected src or dst"),
        Arguments.of(head + "-A INPUT -p tcp --tcp-flags SYN\nCOMMIT\n", "t:3: expected a flag mask"),
        Arguments.of(head + "-A INPUT -p tcp --tcp-flags SYN,BOGUS SYN\nCOMMIT\n", "t:3: expected TCP flags"),
        Arguments.of(head + "-A INPUT -m comment --comment \"open\nCOMMIT\n", "t:3: expected a closing double quote"),
        Arguments.of(head + "-A INPUT -j DNAT\nCOMMIT\n", "t:3: expected --to-destination after -j DNAT"),
        Arguments.of(head + "-A INPUT -j DNAT --to-destination nowhere:80\nCOMMIT\n", "t:3: expected an IPv4 address, got 'nowhere'"),
        Arguments.of(head + "-A INPUT -j DNAT --to-destination 10.0.0.1:http\nCOMMIT\n", "t:3: expected a port or port range"),
        Arguments.of(head + "-A INPUT -j ACCEPT -j DROP\nCOMMIT\n", "t:3: expected one -j or -g per rule"),
        Arguments.of(head + "-A INPUT -g X --foo\nCOMMIT\n", "t:3: expected no options after -g X"),
        Arguments.of(head + "-A INPUT stray -j ACCEPT\nCOMMIT\n", "t:3: expected an option (starting with '-'), got 'stray'"),
        Arguments.of(head + "-A INPUT -s 10.0.0.1 extra\nCOMMIT\n", "t:3: expected one value after -s"),
        Arguments.of(head + "-A INPUT -Z\nCOMMIT\n", "t:3: expected an iptables rule option, got '-Z'"),
        Arguments.of(head + "-A INPUT ! -m tcp\nCOMMIT\n", "t:3: expected no '!' before -m"),
        Arguments.of(head + "-A INPUT !\nCOMMIT\n", "t:3: expected an option after '!'"),
        Arguments.of(head + "-A INPUT -i a/b\nCOMMIT\n", "t:3: expected an interface name"),
        Arguments.of(head + "-A INPUT -c 1\nCOMMIT\n", "t:3: expected packet and byte counts"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("rejectedDumps")
  void rejects(String dump, String message) {
    assertThatThrownBy(() -> IptablesSaveParser.parse(dump, IpFamily.V4, "t"))
        .isInstanceOf(RulesetParseException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void rejectsAnIpv4AddressInAnIpv6Dump() {
    String dump = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -d 10.0.0.1/32 -j DROP\nCOMMIT\n";
    assertThatThrownBy(() -> IptablesSaveParser.parse(dump, IpFamily.V6, "ip6.txt"))
        .isInstanceOfSatisfying(RulesetParseException.class, e -> {
          assertThat(e.file()).isEqualTo("ip6.txt");
          assertThat(e.line()).isEqualTo(3);
          assertThat(e.getMessage()).startsWith("ip6.txt:3: expected an IPv6 address");
        });
  }

  // --- iptables -S listings and unseen tables ---

  private static final String FILTER_LISTING = """
      -P INPUT DROP
      -P FORWARD DROP
      -P OUTPUT ACCEPT
      -N DOCKER
      -N DOCKER-USER
      -A FORWARD -j DOCKER-USER
      -A FORWARD -o docker0 -j DOCKER
      -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 3306 -j ACCEPT
      -A DOCKER-USER -j RETURN
      """;

  private static final String NAT_LISTING = """
      -P PREROUTING ACCEPT
      -P INPUT ACCEPT
      -P OUTPUT ACCEPT
      -P POSTROUTING ACCEPT
      -N DOCKER
      -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
      -A DOCKER ! -i docker0 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 172.17.0.2:3306
      """;

  @Test
  void readsAnIptablesSListingAsTheFilterTable() {
    Ruleset r = IptablesSaveParser.parse(FILTER_LISTING, IpFamily.V4, "s.txt");

    assertThat(r.tables()).containsOnlyKeys(TableName.FILTER);
    Chain forward = r.chain(TableName.FILTER, "FORWARD").orElseThrow();
    assertThat(forward.policy()).contains(Chain.Policy.DROP);
    assertThat(forward.line()).isEqualTo(2);
    assertThat(forward.rules()).extracting(Rule::target).containsExactly(new Target.Jump("DOCKER-USER"),
        new Target.Jump("DOCKER"));
    assertThat(forward.rules().get(0).line()).isEqualTo(6);
    assertThat(r.chain(TableName.FILTER, "DOCKER").orElseThrow().isBuiltin()).isFalse();
    // Docker's filter chains without nat: the DNAT is somewhere the paste does not show.
    assertThat(r.unseen()).singleElement().satisfies(u -> {
      assertThat(u.table()).isEqualTo(TableName.NAT);
      assertThat(u.extra()).isFalse();
      assertThat(u.text()).contains("nat table is not in the dump").contains("DOCKER");
    });
  }

  @Test
  void twoListingsInOneFileAreFilterThenNat() {
    Ruleset r = IptablesSaveParser.parse(FILTER_LISTING + NAT_LISTING, IpFamily.V4, "s.txt");

    assertThat(r.tables()).containsOnlyKeys(TableName.FILTER, TableName.NAT);
    assertThat(r.chain(TableName.NAT, "PREROUTING").orElseThrow().line()).isEqualTo(10);
    assertThat(r.chain(TableName.NAT, "DOCKER").orElseThrow().rules().get(0).target()).isInstanceOf(Target.Dnat.class);
    assertThat(r.unseen()).isEmpty();
  }

  @Test
  void aNatTargetMakesACutListingNatAndTheSameRulesAsASaveDumpReadTheSame() {
    String save = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
        + ":DOCKER - [0:0]\n-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n"
        + "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 172.17.0.2:3306\nCOMMIT\n";
    Ruleset fromSave = IptablesSaveParser.parse(save, IpFamily.V4, "s");
    Ruleset fromListing = IptablesSaveParser.parse(NAT_LISTING, IpFamily.V4, "s");

    Chain a = fromSave.chain(TableName.NAT, "DOCKER").orElseThrow();
    Chain b = fromListing.chain(TableName.NAT, "DOCKER").orElseThrow();
    assertThat(b.rules()).extracting(Rule::matches).isEqualTo(a.rules().stream().map(Rule::matches).toList());
    assertThat(b.rules()).extracting(Rule::target).isEqualTo(a.rules().stream().map(Rule::target).toList());
    // A nat listing alone with Docker's nat chain: the filter table was not pasted.
    assertThat(fromListing.unseen()).extracting(UnseenTable::table).containsExactly(TableName.FILTER);

    Ruleset cut = IptablesSaveParser.parse(
        "-A DOCKER ! -i docker0 -p tcp --dport 80 -j DNAT --to-destination 172.17.0.2:80\n".replace("-A DOCKER", "-A PREROUTING"),
        IpFamily.V4, "s");
    assertThat(cut.tables()).containsOnlyKeys(TableName.NAT);
  }

  @Test
  void aListingThatDoesNotSayItsTableIsAGuessSaidAsUnseen() {
    Ruleset r = IptablesSaveParser.parse("-A FORWARD -i eth0 -j DROP\n", IpFamily.V4, "s.txt");

    assertThat(r.tables()).containsOnlyKeys(TableName.FILTER);
    // No -P line: the policy is not shown; ACCEPT stands in, the guess is unseen on top.
    assertThat(r.chain(TableName.FILTER, "FORWARD").orElseThrow().policy()).contains(Chain.Policy.ACCEPT);
    assertThat(r.unseen()).singleElement().satisfies(u -> {
      assertThat(u.table()).isEqualTo(TableName.FILTER);
      assertThat(u.extra()).isTrue();
      assertThat(u.why()).startsWith("s.txt:1-1: an 'iptables -S' listing");
    });
  }

  @Test
  void aListingErrorNamesFileAndLine() {
    assertThatThrownBy(() -> IptablesSaveParser.parse("-P INPUT ACCEPT\n-N X\n-A X -s 300.1.1.1 -j DROP\n", IpFamily.V4,
        "snap/iptables-save.txt"))
        .isInstanceOfSatisfying(RulesetParseException.class, e -> assertThat(e.line()).isEqualTo(3))
        .hasMessageStartingWith("snap/iptables-save.txt:3: expected");
  }

  @Test
  void aFilterOnlySaveDumpWithDockerChainsHasAnUnseenNatTable() {
    String dump = "*filter\n:FORWARD DROP [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\nCOMMIT\n";
    assertThat(IptablesSaveParser.parse(dump, IpFamily.V4, "t").unseen()).extracting(UnseenTable::table)
        .containsExactly(TableName.NAT);
    String plain = "*filter\n:FORWARD DROP [0:0]\nCOMMIT\n";
    assertThat(IptablesSaveParser.parse(plain, IpFamily.V4, "t").unseen()).isEmpty();
    String natOnly = "*nat\n:PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\nCOMMIT\n";
    assertThat(IptablesSaveParser.parse(natOnly, IpFamily.V4, "t").unseen()).extracting(UnseenTable::table)
        .containsExactly(TableName.FILTER);
  }

  @Test
  void iptablesNftWarningsBecomeUnseenTables() {
    String incompatible = "# Table `nat' is incompatible, use 'nft' tool.\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n";
    assertThat(IptablesSaveParser.parse(incompatible, IpFamily.V4, "t").unseen()).singleElement().satisfies(u -> {
      assertThat(u.table()).isEqualTo(TableName.NAT);
      assertThat(u.extra()).isFalse();
      assertThat(u.why()).startsWith("t:1:");
    });
    String legacy = "# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n"
        + "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n";
    assertThat(IptablesSaveParser.parse(legacy, IpFamily.V4, "t").unseen())
        .allSatisfy(u -> assertThat(u.extra()).isTrue())
        .extracting(UnseenTable::table).contains(TableName.NAT, TableName.FILTER);
  }
}
