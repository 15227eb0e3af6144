package dev.breakwater.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.BaseChain;
import dev.breakwater.netfilter.Hook;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.NftTable;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.snapshot.Corpus;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NftPolicyTextTest {

  static CompiledPolicy compiled(String corpus, String policy) {
    return PolicyCompiler.compile(Corpus.facts(corpus), PolicyFile.parse(policy, "p.yml"));
  }

  @Test
  void oneInetTableWithTheEstablishedAcceptFirstAPerPortSetAndTheCatchAll() {
    NftPolicyText nft = NftPolicyText.of(compiled("docker-28-ufw-bypass",
        "allow:\n  - port: 3306\n    from: [198.51.100.0/24, 203.0.113.7, 2001:db8::/32]\n"));

    assertThat(nft.replaceScript()).isEqualTo("""
        table inet breakwater {}
        delete table inet breakwater
        table inet breakwater {
        \tset allow_tcp_3306_v4 {
        \t\ttype ipv4_addr
        \t\tflags interval
        \t\telements = { 198.51.100.0/24, 203.0.113.7/32 }
        \t}

        \tset allow_tcp_3306_v6 {
        \t\ttype ipv6_addr
        \t\tflags interval
        \t\telements = { 2001:db8::/32 }
        \t}

        \tchain bw_forward {
        \t\ttype filter hook forward priority filter - 1; policy accept;
        \t\tct state established,related accept
        \t\tmeta l4proto tcp ct original proto-dst 3306 ip saddr @allow_tcp_3306_v4 accept
        \t\tiifname "eth0" meta nfproto ipv4 meta l4proto tcp ct original proto-dst 3306 ct state new drop
        \t\tmeta l4proto tcp ct original proto-dst 3306 ip6 saddr @allow_tcp_3306_v6 accept
        \t\tiifname "eth0" meta nfproto ipv6 meta l4proto tcp ct original proto-dst 3306 ct state new drop
        \t\tiifname "eth0" oifname "docker0" ct status dnat drop
        \t\tiifname "eth0" oifname "br-*" ct status dnat drop
        \t}
        }
        """);
  }

  @Test
  void rejectBoundAddressesAndAnyCompileAsTheIptablesChainDoes() {
    CompiledPolicy compiled = compiled("docker-28-ipv6", """
        action: reject
        allow:
          - port: 8080
            from: any
        """);
    NftPolicyText nft = NftPolicyText.of(compiled);
    assertThat(nft.rules()).contains(
        "meta nfproto ipv4 meta l4proto tcp ct original proto-dst 8080 accept",
        "iifname \"eth0\" meta nfproto ipv6 meta l4proto tcp ct original proto-dst 9200 ct state new reject with tcp reset",
        "iifname \"eth0\" oifname \"br-*\" ct status dnat reject");
    // A port open to any has no set; a closed one has an empty set, ready for watch's elements.
    assertThat(nft.sets()).extracting(NftPolicyText.AllowSet::name).doesNotContain("allow_tcp_8080_v4").contains("allow_tcp_9200_v6");
    assertThat(nft.set("allow_tcp_9200_v6").orElseThrow().prefixes()).isEmpty();
  }

  @Test
  void aPortBoundToOneAddressIsKeyedOnItAndItsSetNamedByTheAddressDigits() {
    ProtectedPort bound = new ProtectedPort("db", IpFamily.V4, java.util.Optional.of(address("198.51.100.10")), 53,
        dev.breakwater.net.Transport.UDP, Sources.of(List.of(address("203.0.113.0/24"))), List.of("p.yml:1:1"));
    CompiledPolicy compiled = new CompiledPolicy(List.of("eth0"), List.of(bound), Map.of(), List.of(), List.of(),
        Policy.Default.ALLOW, Policy.DenyAction.REJECT);
    NftPolicyText nft = NftPolicyText.of(compiled);
    assertThat(nft.rules()).containsExactly(
        "ct state established,related accept",
        "meta l4proto udp ct original ip daddr 198.51.100.10 ct original proto-dst 53 ip saddr @allow_udp_53_v4_ac633640a accept",
        "iifname \"eth0\" meta nfproto ipv4 meta l4proto udp ct original ip daddr 198.51.100.10 ct original proto-dst 53 ct state new reject");
  }

  @Test
  void namesAreNeverNftKeywords() {
    assertThat(NftPolicyText.KEYWORDS).contains("fwd", "filter", "forward", "table").allMatch(k -> !k.contains("_"));
    for (String keyword : NftPolicyText.KEYWORDS) {
      assertThatThrownBy(() -> NftPolicyText.checkName(keyword)).hasMessageContaining(keyword);
    }
    assertThatThrownBy(() -> NftPolicyText.checkName("Allow-1")).isInstanceOf(IllegalArgumentException.class);
    NftPolicyText nft = NftPolicyText.of(compiled("docker-28-ipv6", "allow:\n  - port: 8080\n    from: 203.0.113.0/24\n"));
    List<String> names = new ArrayList<>(nft.sets().stream().map(NftPolicyText.AllowSet::name).toList());
    names.addAll(List.of(NftPolicyText.TABLE, NftPolicyText.CHAIN));
    assertThat(names).hasSizeGreaterThan(3).allSatisfy(n -> assertThat(NftPolicyText.checkName(n)).isEqualTo(n));
  }

  @Test
  void theListingOfTheWrittenTableMatchesItAndAChangedOneDoesNot() {
    NftPolicyText nft = NftPolicyText.of(compiled("docker-28-ipv6", "allow:\n  - port: 8080\n    from: [203.0.113.0/24, 198.51.100.7]\n"));
    assertThat(NftTableListing.parse(nft.table()).matches(nft)).isTrue();
    // nft prints a /32 as the bare address and wraps long element lists: still the same set.
    String asNftPrints = nft.table().replace("198.51.100.7/32, ", "198.51.100.7,\n\t\t\t     ");
    assertThat(NftTableListing.parse(asNftPrints).matches(nft)).isTrue();
    assertThat(NftTableListing.parse(nft.table().replace("203.0.113.0/24", "203.0.113.0/25")).matches(nft)).isFalse();
    assertThat(NftTableListing.parse(nft.table().replace("ct state established,related accept\n", "")).matches(nft)).isFalse();
    assertThat(NftTableListing.parse(nft.table().replace("priority filter - 1", "priority filter")).matches(nft)).isFalse();
  }

  /** The model the proof reads and the script the kernel reads: the same ports, sets and verdicts, rule by rule. */
  @Test
  void theNftTableModelHasTheScriptsPortsAndSets() {
    NftPolicyText nft = NftPolicyText.of(compiled("docker-28-ipv6",
        "action: reject\nallow:\n  - port: 8080\n    from: [203.0.113.0/24, 198.51.100.7, 2001:db8::/48]\n"));
    NftTable table = NftPolicyTable.of(nft);

    assertThat(table.label()).isEqualTo("inet breakwater");
    assertThat(table.baseChains()).containsExactly(new BaseChain("bw_forward", Hook.FORWARD, BaseChain.Type.FILTER, -1,
        dev.breakwater.netfilter.Chain.Policy.ACCEPT, java.util.Optional.empty()));
    List<Rule> rules = table.chain("bw_forward").orElseThrow().rules();
    assertThat(rules).extracting(Rule::text).containsExactlyElementsOf(nft.rules());

    Map<String, List<IPAddress>> scriptSets = new TreeMap<>();
    nft.sets().forEach(s -> scriptSets.put(s.name(), s.prefixes()));
    Pattern port = Pattern.compile("proto-dst (\\d+)");
    Pattern set = Pattern.compile("saddr @(\\S+)");
    for (Rule rule : rules) {
      Matcher p = port.matcher(rule.text());
      List<Integer> modelPorts = rule.matches().stream().filter(m -> m instanceof Match.OriginalPort)
          .map(m -> ((Match.OriginalPort) m).range().first()).toList();
      assertThat(modelPorts).as(rule.text()).isEqualTo(p.find() ? List.of(Integer.parseInt(p.group(1))) : List.of());
      Matcher s = set.matcher(rule.text());
      List<List<IPAddress>> modelSets = rule.matches().stream().filter(m -> m instanceof Match.AnyOf)
          .map(m -> ((Match.AnyOf) m).alternatives().stream().map(alt -> ((Match.Address) alt.get(0)).prefix()).toList()).toList();
      assertThat(modelSets).as(rule.text()).isEqualTo(s.find() ? List.of(scriptSets.get(s.group(1))) : List.of());
      assertThat(rule.target()).as(rule.text()).isInstanceOf(rule.text().endsWith("accept")
          ? dev.breakwater.netfilter.Target.Accept.class : dev.breakwater.netfilter.Target.Reject.class);
      boolean v4 = rule.text().contains("nfproto ipv4") || rule.text().contains(" ip saddr");
      boolean v6 = rule.text().contains("nfproto ipv6") || rule.text().contains(" ip6 saddr");
      assertThat(rule.matches().stream().filter(m -> m instanceof Match.Address a && a.side() == Match.Side.DESTINATION)
          .map(m -> ((Match.Address) m).prefix().isIPv4()).toList()).as(rule.text())
          .isEqualTo(v4 ? List.of(true) : v6 ? List.of(false) : List.of());
    }
    assertThat(scriptSets.get("allow_tcp_8080_v4")).extracting(IPAddress::toCanonicalString)
        .containsExactlyInAnyOrder("203.0.113.0/24", "198.51.100.7/32");
  }

  static IPAddress address(String text) {
    return new IPAddressString(text).getAddress();
  }
}
