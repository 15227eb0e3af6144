package dev.breakwater.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import dev.breakwater.netfilter.BaseChain;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Hook;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.NftFamily;
import dev.breakwater.netfilter.NftTable;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.Target;
import dev.breakwater.problem.InputProblem;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fixtures are real {@code nft -j list ruleset} output of nft 1.0.6: moby's goldens and
 * scenarios loaded in a namespace by src/test/resources/nft/moby/convert.sh, and the hand-written
 * rulesets of src/test/resources/nft/hand (their .nft source sits beside them).
 */
class NftJsonReaderTest {

  private static Path dir(String name) {
    try {
      return Path.of(NftJsonReaderTest.class.getResource("/nft/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<NftTable> read(String file, IpFamily family) throws IOException {
    Path p = dir(file.substring(0, file.indexOf('/'))).resolve(file.substring(file.indexOf('/') + 1));
    return NftJsonReader.read(Files.readString(p), p.toString(), family, Set.of());
  }

  private static NftTable table(List<NftTable> tables, String label) {
    return tables.stream().filter(t -> t.label().equals(label)).findFirst().orElseThrow();
  }

  private static List<Rule> rules(NftTable t, String chain) {
    return t.chain(chain).orElseThrow().rules();
  }

  private static Match.Address address(Match.Side side, String prefix, boolean negated) {
    return new Match.Address(side, new IPAddressString(prefix).getAddress().toPrefixBlock(), negated);
  }

  @Test
  void everyMobyFixtureParsesWithNothingUnknown() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir("moby"))) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSize(20);
    for (Path f : files) {
      IpFamily family = f.getFileName().toString().endsWith("__ip6.json") ? IpFamily.V6 : IpFamily.V4;
      List<NftTable> tables = NftJsonReader.read(Files.readString(f), f.toString(), family, Set.of());
      assertThat(tables).as(f.getFileName().toString()).isNotEmpty();
      for (NftTable t : tables) {
        assertThat(t.unknown()).as(f.getFileName().toString()).isEmpty();
        for (Chain c : t.chains().values()) {
          assertThat(c.rules()).as(f + " " + c.name()).noneMatch(Rule::hasUnknown);
        }
      }
    }
  }

  @Test
  void usernetPortmapHasTheDnatRuleAndItsBaseChains() throws IOException {
    NftTable t = table(read("moby/usernet-portmap.json", IpFamily.V4), "ip docker-bridges");
    Rule dnat = rules(t, "nat-prerouting-and-output").getFirst();
    assertThat(dnat.table()).isEqualTo(TableName.NAT); // reached from nat-PREROUTING
    assertThat(dnat.nftTable()).contains("ip docker-bridges");
    assertThat(dnat.text()).isEqualTo("iifname != \"bridge1\" tcp dport 8080 counter dnat to 192.0.2.2:80 comment \"DNAT\"");
    assertThat(dnat.matches()).containsExactly(
        new Match.Interface(true, "bridge1", true),
        new Match.Protocol(6, "tcp", false),
        new Match.Ports(Match.PortField.DESTINATION, List.of(PortRange.of(8080)), false));
    Target.Dnat to = (Target.Dnat) dnat.target();
    assertThat(to.first()).contains(new IPAddressString("192.0.2.2").getAddress());
    assertThat(to.ports()).contains(PortRange.of(80));
    assertThat(dnat.citation()).startsWith("ip docker-bridges/nat-prerouting-and-output #1 (handle ");

    assertThat(t.baseChains()).extracting(BaseChain::chain, BaseChain::hook, BaseChain::type, BaseChain::priority)
        .contains(
            org.assertj.core.groups.Tuple.tuple("filter-FORWARD", Hook.FORWARD, BaseChain.Type.FILTER, 0),
            org.assertj.core.groups.Tuple.tuple("nat-OUTPUT", Hook.OUTPUT, BaseChain.Type.NAT, -100),
            org.assertj.core.groups.Tuple.tuple("nat-POSTROUTING", Hook.POSTROUTING, BaseChain.Type.NAT, 100),
            org.assertj.core.groups.Tuple.tuple("raw-PREROUTING", Hook.PREROUTING, BaseChain.Type.FILTER, -300));
  }

  @Test
  void theRawPreroutingDropOfDirectAccess() throws IOException {
    NftTable t = table(read("moby/usernet-portmap.json", IpFamily.V4), "ip docker-bridges");
    Rule drop = rules(t, "raw-PREROUTING").getFirst();
    assertThat(drop.table()).isEqualTo(TableName.FILTER);
    assertThat(drop.matches()).containsExactly(
        address(Match.Side.DESTINATION, "192.0.2.2", false), new Match.Interface(true, "bridge1", true));
    assertThat(drop.target()).isEqualTo(new Target.Drop());
    assertThat(t.chain("raw-PREROUTING").orElseThrow().policy()).contains(Chain.Policy.ACCEPT);
  }

  @Test
  void aVerdictMapBecomesOneRulePerElementAtTheSamePosition() throws IOException {
    NftTable t = table(read("moby/usernet-portmap.json", IpFamily.V4), "ip docker-bridges");
    List<Rule> forward = rules(t, "filter-FORWARD");
    assertThat(forward).extracting(Rule::matches, Rule::target).containsExactly(
        org.assertj.core.groups.Tuple.tuple(List.of(new Match.Interface(false, "docker0", false)),
            new Target.Jump("filter-forward-in__docker0")),
        org.assertj.core.groups.Tuple.tuple(List.of(new Match.Interface(false, "bridge1", false)),
            new Target.Jump("filter-forward-in__bridge1")),
        org.assertj.core.groups.Tuple.tuple(List.of(new Match.Interface(true, "docker0", false)),
            new Target.Jump("filter-forward-out__docker0")),
        org.assertj.core.groups.Tuple.tuple(List.of(new Match.Interface(true, "bridge1", false)),
            new Target.Jump("filter-forward-out__bridge1")));
    assertThat(forward).extracting(Rule::position).containsExactly(1, 1, 2, 2);
    assertThat(forward.get(1).line()).isEqualTo(forward.get(0).line());
    assertThat(forward.get(1).text())
        .isEqualTo("oifname vmap @filter-forward-in-jumps (\"bridge1\" : jump filter-forward-in__bridge1)");
    // A regular chain plays the table of the base chain that jumps to it.
    assertThat(rules(t, "filter-forward-in__bridge1").getFirst().table()).isEqualTo(TableName.FILTER);
    assertThat(rules(t, "nat-postrouting-in__bridge1")).allMatch(r -> r.table() == TableName.NAT);
  }

  @Test
  void ip6GoldenReadsIpv6PrefixesAndDnat() throws IOException {
    NftTable t = table(read("moby/hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false__ip6.json",
        IpFamily.V6), "ip6 docker-bridges");
    assertThat(t.chains().values().stream().flatMap(c -> c.rules().stream()))
        .anyMatch(r -> r.target() instanceof Target.Dnat d && d.first().orElseThrow().isIPv6());
  }

  @Test
  void namedSetsAndConcatenationsAreResolved() throws IOException {
    NftTable t = table(read("hand/features.json", IpFamily.V4), "inet bw-features");
    List<Rule> fwd = rules(t, "forward-in");
    Rule allowed = fwd.stream().filter(r -> r.text().contains("ALLOWED")).findFirst().orElseThrow();
    assertThat(allowed.matches()).containsExactly(
        new Match.AnyOf(List.of(
            List.of(address(Match.Side.SOURCE, "198.51.100.0/28", false)),
            List.of(address(Match.Side.SOURCE, "198.51.100.200/29", false)),
            List.of(address(Match.Side.SOURCE, "198.51.100.208/31", false)),
            List.of(address(Match.Side.SOURCE, "198.51.100.210/32", false))), false),
        new Match.Protocol(6, "tcp", false),
        new Match.Ports(Match.PortField.DESTINATION, List.of(PortRange.of(22), new PortRange(8000, 8100)), false));
    assertThat(allowed.target()).isEqualTo(new Target.Accept());

    Rule pairs = fwd.stream().filter(r -> r.text().contains("@pairs")).findFirst().orElseThrow();
    Match.Protocol tcp = new Match.Protocol(6, "tcp", false);
    assertThat(pairs.matches()).containsExactly(tcp, new Match.AnyOf(List.of(
        List.of(address(Match.Side.SOURCE, "198.51.100.7", false),
            new Match.Ports(Match.PortField.DESTINATION, List.of(PortRange.of(22)), false)),
        List.of(address(Match.Side.SOURCE, "198.51.100.8", false),
            new Match.Ports(Match.PortField.DESTINATION, List.of(PortRange.of(443)), false))), false));
  }

  @Test
  void theOtherMatchesOfTheFeaturesRuleset() throws IOException {
    NftTable t = table(read("hand/features.json", IpFamily.V4), "inet bw-features");
    List<Rule> fwd = rules(t, "forward-in");
    assertThat(fwd.get(1).matches()).containsExactly(
        new Match.ConnectionState(Set.of(Match.CtState.INVALID, Match.CtState.NEW), true));
    assertThat(matchesOf(fwd, "meta mark & 0x0000ff00 == 0x00000100"))
        .containsExactly(new Match.Mark(Match.MarkKind.PACKET, 0xff00, 0x100, false));
    assertThat(matchesOf(fwd, "ct mark 0x00000002"))
        .containsExactly(new Match.Mark(Match.MarkKind.CONNECTION, 0xffffffffL, 2, false));
    assertThat(matchesOf(fwd, "tcp flags & (syn | ack) == syn")).contains(
        new Match.TcpFlags(Set.of("SYN", "ACK"), Set.of("SYN"), false),
        new Match.Ports(Match.PortField.SOURCE, List.of(new PortRange(1, 1023)), false));
    assertThat(matchesOf(fwd, "iifname \"eth*\"")).containsExactly(new Match.Interface(true, "eth+", false),
        new Match.AnyOf(List.of(List.of(new Match.Interface(false, "br-a", false)),
            List.of(new Match.Interface(false, "br-b", false))), false));
    assertThat(matchesOf(fwd, "meta l4proto tcp ct status dnat")).containsExactly(new Match.Protocol(6, "tcp", false),
        new Match.ConnectionState(Set.of(Match.CtState.DNAT), false),
        new Match.OriginalPort(Match.Side.DESTINATION, PortRange.of(8080), false));
    assertThat(matchesOf(fwd, "ct direction")).containsExactly(new Match.ConntrackDirection(true),
        new Match.OriginalAddress(Match.Side.SOURCE, new IPAddressString("198.51.100.0/24").getAddress(), false));
    assertThat(matchesOf(fwd, "fib saddr type local")).containsExactly(
        new Match.AddressTypeMatch(Match.Side.SOURCE, Set.of(Match.AddressType.LOCAL), false, Match.LimitIface.NONE));
    assertThat(matchesOf(fwd, "limit rate")).singleElement().isInstanceOf(Match.Unknown.class);
    assertThat(matchesOf(fwd, "icmp type echo-request"))
        .containsExactly(new Match.Protocol(1, "icmp", false), new Match.IcmpType("echo-request", false));
    Rule reject = fwd.stream().filter(r -> r.text().endsWith("reject with tcp reset")).findFirst().orElseThrow();
    assertThat(reject.target()).isEqualTo(new Target.Reject("with tcp reset"));
    assertThat(reject.matches()).contains(new Match.AnyOf(List.of(
        List.of(address(Match.Side.DESTINATION, "198.51.100.10/31", false)),
        List.of(address(Match.Side.DESTINATION, "198.51.100.12/30", false)),
        List.of(address(Match.Side.DESTINATION, "198.51.100.16/30", false)),
        List.of(address(Match.Side.DESTINATION, "198.51.100.20/32", false))), false));
    Rule quota = fwd.stream().filter(r -> r.text().startsWith("quota")).findFirst().orElseThrow();
    assertThat(quota.hasUnknown()).isTrue();
    Rule gotoSub = fwd.stream().filter(r -> r.target() instanceof Target.Goto).filter(r -> r.text().contains("br-c"))
        .findFirst().orElseThrow();
    assertThat(gotoSub.target()).isEqualTo(new Target.Goto("sub"));
    assertThat(rules(t, "sub")).extracting(Rule::target).containsExactly(new Target.Return(), new Target.Continue("", ""));
  }

  private static List<Match> matchesOf(List<Rule> rules, String textStart) {
    return rules.stream().filter(r -> r.text().startsWith(textStart)).findFirst()
        .orElseThrow(() -> new AssertionError("no rule starting " + textStart + " in " + rules.stream().map(Rule::text).toList()))
        .matches();
  }

  @Test
  void statementsAndEffects() throws IOException {
    NftTable t = table(read("hand/features.json", IpFamily.V4), "inet bw-features");
    List<Rule> pre = rules(t, "pre");
    // dnat ip to tcp dport map { 8080 : 198.51.100.2 . 80, 8443 : ... }: one rule per element.
    assertThat(pre.subList(0, 2)).extracting(r -> ((Target.Dnat) r.target()).ports().orElseThrow())
        .containsExactly(PortRange.of(80), PortRange.of(443));
    assertThat(pre.get(0).matches()).containsExactly(
        new Match.AddressTypeMatch(Match.Side.DESTINATION, Set.of(Match.AddressType.LOCAL), false, Match.LimitIface.NONE),
        new Match.Protocol(6, "tcp", false),
        new Match.Ports(Match.PortField.DESTINATION, List.of(PortRange.of(8080)), false));
    assertThat(pre.get(1).matches()).contains(new Match.Ports(Match.PortField.DESTINATION, List.of(PortRange.of(8443)), false));
    assertThat(pre.get(0).table()).isEqualTo(TableName.NAT);
    assertThat(pre.get(2).target()).isEqualTo(new Target.Redirect(Optional.of(PortRange.of(9001))));
    assertThat(rules(t, "raw").getFirst().effects()).singleElement().isInstanceOf(Target.Continue.class)
        .extracting(e -> ((Target.Continue) e).name()).isEqualTo("NOTRACK");
    assertThat(rules(t, "mangle").getFirst().effects())
        .containsExactly(new Target.SetMark(Match.MarkKind.PACKET, Match.MarkKind.PACKET, 0xffffffffL, 1, "meta mark set 0x00000001"));
    assertThat(rules(t, "mangle").getFirst().table()).isEqualTo(TableName.MANGLE);

    List<Rule> fwd = rules(t, "forward-in");
    // A match after a statement that writes what it reads: unknown.
    Rule setThenRead = fwd.stream().filter(r -> r.text().startsWith("meta mark set 0x00000004")).findFirst().orElseThrow();
    assertThat(setThenRead.matches()).singleElement().isInstanceOf(Match.Unknown.class);
    Rule copy = fwd.stream().filter(r -> r.text().startsWith("ct mark set")).findFirst().orElseThrow();
    assertThat(copy.effects()).containsExactly(new Target.SetMark(Match.MarkKind.CONNECTION, Match.MarkKind.PACKET,
        0xffff0000L, 0, "ct mark set meta mark & 0x0000ffff"));
    // An anonymous vmap.
    assertThat(fwd).filteredOn(r -> r.text().startsWith("udp dport vmap")).extracting(Rule::target)
        .containsExactly(new Target.Accept(), new Target.Drop());
    // A named vmap with a goto.
    assertThat(fwd).filteredOn(r -> r.text().startsWith("oifname vmap @fwd-jumps")).extracting(Rule::target)
        .containsExactly(new Target.Jump("sub"), new Target.Goto("sub"));
  }

  @Test
  void aSetFilledAtRunTimeIsUnknown() throws IOException {
    NftTable t = table(read("hand/features.json", IpFamily.V4), "inet bw-features");
    Rule seen = rules(t, "forward-in").stream().filter(r -> r.text().equals("ip saddr @seen drop")).findFirst().orElseThrow();
    assertThat(seen.matches()).singleElement().isInstanceOf(Match.Unknown.class);
    assertThat(seen.hasUnknown()).isTrue();
    assertThat(t.unknown()).anyMatch(u -> u.contains("@seen"));
    assertThat(NftJsonReader.withUnknownParts(List.of(t))).containsExactly("inet bw-features");
  }

  @Test
  void anInetTableIsReadPerFamily() throws IOException {
    NftTable v4 = table(read("hand/features.json", IpFamily.V4), "inet bw-features");
    NftTable v6 = table(read("hand/features.json", IpFamily.V6), "inet bw-features");
    // ip saddr rules never match an IPv6 packet (nft's implicit meta nfproto ipv4), and the other way round.
    assertThat(rules(v4, "forward-in")).noneMatch(r -> r.text().startsWith("ip6 saddr"));
    assertThat(rules(v6, "forward-in")).noneMatch(r -> r.text().contains("ip saddr") || r.text().contains("ip daddr"));
    assertThat(rules(v6, "forward-in")).anyMatch(r -> r.text().startsWith("ip6 saddr 2001:db8::/32"));
    // meta nfproto ipv6: left out for IPv6 (always true), the rule left out for IPv4.
    assertThat(matchesOf(rules(v6, "forward-in"), "meta nfproto ipv6"))
        .containsExactly(new Match.Protocol(6, "tcp", false), new Match.Ports(Match.PortField.DESTINATION,
            List.of(PortRange.of(8443)), false));
    assertThat(rules(v4, "forward-in")).noneMatch(r -> r.text().startsWith("meta nfproto ipv6"));
    // dnat ip does nothing to an IPv6 packet: the rule only goes on.
    assertThat(rules(v6, "pre")).filteredOn(r -> r.text().contains("198.51.100.53")).extracting(Rule::target)
        .containsExactly(new Target.Continue("", ""));
    // Positions stay nft's: a rule left out leaves its number unused.
    assertThat(rules(v6, "forward-in").getFirst().position()).isEqualTo(1);
  }

  @Test
  void familiesIptablesNftTablesAndIngress() throws IOException {
    String text = Files.readString(dir("hand").resolve("features.json"));
    List<NftTable> shown = NftJsonReader.read(text, "features.json", IpFamily.V4, Set.of(TableName.FILTER));
    assertThat(shown).extracting(NftTable::label).doesNotContain("ip filter")
        .contains("inet bw-features", "netdev bw-ingress", "arp bw-arp", "ip6 raw");
    NftTable netdev = table(shown, "netdev bw-ingress");
    assertThat(netdev.baseChains()).singleElement().extracting(BaseChain::hook).isEqualTo(Hook.INGRESS);
    assertThat(table(shown, "arp bw-arp").baseChains()).isEmpty();
    assertThat(table(shown, "arp bw-arp").family()).isEqualTo(NftFamily.ARP);

    // Not in iptables-save: read natively; iptables-nft's untranslatable match is unknown.
    NftTable filter = table(NftJsonReader.read(text, "features.json", IpFamily.V4, Set.of()), "ip filter");
    assertThat(rules(filter, "FORWARD")).extracting(Rule::hasUnknown).containsExactly(true, false, true);
    assertThat(filter.baseChains()).extracting(BaseChain::policy).contains(Chain.Policy.DROP);
    // The ip6 raw table is nft's own: iptables-save for IPv4 says nothing about it.
    assertThat(rules(table(shown, "ip6 raw"), "PREROUTING").getFirst().target()).isEqualTo(new Target.Drop());
  }

  @Test
  void firewalldAndNetavark() throws IOException {
    NftTable fw = table(read("hand/firewalld-default.json", IpFamily.V4), "inet firewalld");
    assertThat(fw.baseChains()).extracting(BaseChain::chain, BaseChain::priority)
        .contains(org.assertj.core.groups.Tuple.tuple("filter_FORWARD", 10),
            org.assertj.core.groups.Tuple.tuple("nat_PREROUTING", -90));
    assertThat(rules(fw, "filter_FORWARD").get(1).matches())
        .containsExactly(new Match.ConnectionState(Set.of(Match.CtState.DNAT), false));
    assertThat(rules(fw, "filter_FORWARD").get(1).target()).isEqualTo(new Target.Accept());
    assertThat(fw.unknown()).isEmpty();
    NftTable fw6 = table(read("hand/firewalld-default.json", IpFamily.V6), "inet firewalld");
    assertThat(rules(fw6, "filter_FORWARD").get(4).target()).isEqualTo(new Target.Reject("with icmpv6 addr-unreachable"));
    assertThat(rules(fw, "filter_FORWARD")).extracting(Rule::position).doesNotContain(5); // ip6 daddr: not IPv4's

    NftTable strict = table(read("hand/firewalld-strict.json", IpFamily.V4), "inet firewalld");
    assertThat(rules(strict, "filter_FORWARD_dnat").getFirst().matches()).containsExactly(
        new Match.Protocol(6, "tcp", false), new Match.OriginalPort(Match.Side.DESTINATION, PortRange.of(3333), false));
    assertThat(rules(strict, "filter_FORWARD_dnat").getFirst().table()).isEqualTo(TableName.FILTER);

    NftTable nv = table(read("hand/netavark.json", IpFamily.V4), "inet netavark");
    assertThat(nv.unknown()).isEmpty();
    Rule dnat = rules(nv, "nv_2f259bab_10_88_0_0_nm16_dnat").get(1);
    assertThat(dnat.effects()).containsExactly(new Target.SetMark(Match.MarkKind.CONNECTION, Match.MarkKind.PACKET,
        0x1000, 0x1000, "ct mark set meta mark | 0x00001000"));
    assertThat(dnat.target()).isInstanceOf(Target.Dnat.class);
    assertThat(dnat.table()).isEqualTo(TableName.NAT);
    assertThat(rules(nv, "FORWARD").get(1).matches())
        .containsExactly(new Match.Mark(Match.MarkKind.CONNECTION, 0x1000, 0x1000, false));
  }

  @Test
  void namedPrioritiesAreReadTooThoughNft106PrintsNumbers() {
    String text = """
        {"nftables": [{"table": {"family": "inet", "name": "t", "handle": 1}},
        {"chain": {"family": "inet", "table": "t", "name": "a", "handle": 1, "type": "filter", "hook": "forward", "prio": "filter - 1", "policy": "drop"}},
        {"chain": {"family": "inet", "table": "t", "name": "b", "handle": 2, "type": "filter", "hook": "prerouting", "prio": "raw"}}]}
        """;
    NftTable t = NftJsonReader.read(text, "x.json", IpFamily.V4, Set.of()).getFirst();
    assertThat(t.baseChains()).extracting(BaseChain::priority).containsExactly(-1, -300);
  }

  @Test
  void aBadFileIsAnInputProblemAtItsLineAndColumn() {
    String text = """
        {"nftables": [{"table": {"family": "ip", "name": "t", "handle": 1}},
          {"chain": {"family": "ip", "table": "t", "name": "a", "handle": 1, "type": "filter", "hook": "sideways", "prio": 0}}]}
        """;
    assertThatThrownBy(() -> NftJsonReader.read(text, "nft-ruleset.json", IpFamily.V4, Set.of()))
        .isInstanceOf(InputProblem.class)
        .hasMessageContaining("nft-ruleset.json:2:")
        .hasMessageContaining("expected a hook");
    assertThatThrownBy(() -> NftJsonReader.read("{\"nftables\": [", "nft-ruleset.json", IpFamily.V4, Set.of()))
        .isInstanceOf(InputProblem.class).hasMessageContaining("nft-ruleset.json:1:");
  }
}
