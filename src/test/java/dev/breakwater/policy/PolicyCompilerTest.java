package dev.breakwater.policy;

import dev.breakwater.snapshot.Corpus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.host.Container;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyCompilerTest {

  @Test
  void ufwBypassHostGetsAnAllowThenADropForMysqlAndNothingForLoopbackRedis() {
    HostFacts facts = Corpus.facts("docker-28-ufw-bypass");
    Policy policy = PolicyFile.parse("allow:\n  - port: 3306\n    from: [198.51.100.0/24, 2001:db8::/32]\n", "p.yml");

    CompiledPolicy compiled = PolicyCompiler.compile(facts, policy);

    assertThat(compiled.externalInterfaces()).containsExactly("eth0");
    assertThat(compiled.rules(IpFamily.V4)).containsExactly(
        "-A BREAKWATER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
        "-A BREAKWATER -s 198.51.100.0/24 -p tcp -m conntrack --ctorigdstport 3306 --ctdir ORIGINAL -j RETURN",
        "-A BREAKWATER -i eth0 -p tcp -m conntrack --ctstate NEW --ctorigdstport 3306 --ctdir ORIGINAL -j DROP",
        "-A BREAKWATER -i eth0 -o docker0 -m conntrack --ctstate DNAT -j DROP",
        "-A BREAKWATER -i eth0 -o br-+ -m conntrack --ctstate DNAT -j DROP");
    // No ip6tables-save.txt in this snapshot: IPv6 is left alone and the user is told.
    assertThat(compiled.families()).containsExactly(IpFamily.V4);
    assertThat(compiled.notes()).anyMatch(n -> n.startsWith("IPv6: no filter/DOCKER-USER chain"));
    assertThat(compiled.ports()).extracting(ProtectedPort::endpoint).containsExactly("0.0.0.0:3306/tcp", "[::]:3306/tcp");
    assertThat(compiled.ports().get(0).allowedBy()).containsExactly("p.yml:2:5");
  }

  @Test
  void ipv6HostGetsTwinRulesWithRejectAndFamilySpecificSources() {
    HostFacts facts = Corpus.facts("docker-28-ipv6");
    Policy policy = PolicyFile.parse("""
        action: reject
        allow:
          - port: 8080
            from: [203.0.113.0/24, 2001:db8::/32]
        """, "p.yml");

    CompiledPolicy compiled = PolicyCompiler.compile(facts, policy);

    assertThat(compiled.families()).containsExactly(IpFamily.V4, IpFamily.V6);
    assertThat(compiled.rules(IpFamily.V6)).containsExactly(
        "-A BREAKWATER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
        "-A BREAKWATER -s 2001:db8::/32 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN",
        "-A BREAKWATER -i eth0 -p tcp -m conntrack --ctstate NEW --ctorigdstport 8080 --ctdir ORIGINAL -j REJECT --reject-with tcp-reset",
        "-A BREAKWATER -i eth0 -p tcp -m conntrack --ctstate NEW --ctorigdstport 9200 --ctdir ORIGINAL -j REJECT --reject-with tcp-reset",
        "-A BREAKWATER -i eth0 -o docker0 -m conntrack --ctstate DNAT -j REJECT --reject-with icmp6-port-unreachable",
        "-A BREAKWATER -i eth0 -o br-+ -m conntrack --ctstate DNAT -j REJECT --reject-with icmp6-port-unreachable");
    assertThat(compiled.rules(IpFamily.V4)).contains(
        "-A BREAKWATER -s 203.0.113.0/24 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN")
        .noneMatch(r -> r.contains("2001:db8"));
  }

  @Test
  void portBoundToOneAddressIsKeyedOnTheOriginalDestinationAndLabelsAddAllows() {
    HostFacts corpus = Corpus.facts("docker-28-ufw-bypass");
    Container mysql = corpus.containers().stream().filter(c -> c.name().contains("mysql")).findFirst().orElseThrow();
    PublishedPort bound = new PublishedPort(new IPAddressString("198.51.100.10").getAddress(), 3306, 3306,
        mysql.ports().get(0).protocol(), mysql.ports().get(0).containerIp());
    Container labelled = new Container(mysql.id(), mysql.name(), mysql.image(),
        Map.of("breakwater.allow", "203.0.113.0/24"), mysql.networkMode(), mysql.networks(), List.of(bound), mysql.env(), mysql.command());
    HostFacts facts = new HostFacts(corpus.hostname(), corpus.interfaces(), corpus.routes(), List.of(labelled),
        corpus.ipv4(), corpus.ipv6(), corpus.ufw(), corpus.daemon(), corpus.notes());

    CompiledPolicy compiled = PolicyCompiler.compile(facts, PolicyFile.parse("interfaces: [eth0, eth1]\nlabels: true\n", "p.yml"));

    assertThat(compiled.rules(IpFamily.V4)).containsExactly(
        "-A BREAKWATER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
        "-A BREAKWATER -s 203.0.113.0/24 -p tcp -m conntrack --ctorigdst 198.51.100.10 --ctorigdstport 3306 --ctdir ORIGINAL -j RETURN",
        "-A BREAKWATER -i eth0 -p tcp -m conntrack --ctstate NEW --ctorigdst 198.51.100.10 --ctorigdstport 3306 --ctdir ORIGINAL -j DROP",
        "-A BREAKWATER -i eth1 -p tcp -m conntrack --ctstate NEW --ctorigdst 198.51.100.10 --ctorigdstport 3306 --ctdir ORIGINAL -j DROP",
        "-A BREAKWATER -i eth0 -o docker0 -m conntrack --ctstate DNAT -j DROP",
        "-A BREAKWATER -i eth0 -o br-+ -m conntrack --ctstate DNAT -j DROP",
        "-A BREAKWATER -i eth1 -o docker0 -m conntrack --ctstate DNAT -j DROP",
        "-A BREAKWATER -i eth1 -o br-+ -m conntrack --ctstate DNAT -j DROP");
    assertThat(compiled.ports().get(0).allowedBy()).containsExactly("label breakwater.allow on container mysql");

    CompiledPolicy noLabels = PolicyCompiler.compile(facts, PolicyFile.parse("interfaces: [eth0]\n", "p.yml"));
    assertThat(noLabels.rules(IpFamily.V4)).noneMatch(r -> r.contains("203.0.113.0/24"));
    assertThat(noLabels.notes()).as("the plan says why the label did nothing")
        .containsExactly("container mysql: label breakwater.allow=203.0.113.0/24: refused, the policy does not accept"
            + " container labels (labels: false, the default; see docs/policy.md)");
  }

  @Test
  void defaultAllowLeavesPortsWithoutEntriesOpenAndAnyNeedsNoRule() {
    HostFacts facts = Corpus.facts("docker-28-ipv6");
    CompiledPolicy compiled = PolicyCompiler.compile(facts, PolicyFile.parse("""
        default: allow
        allow:
          - port: 9200
            from: 198.51.100.0/24
          - port: 8080
            from: any
        """, "p.yml"));
    assertThat(compiled.rules(IpFamily.V4)).containsExactly(
        "-A BREAKWATER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
        "-A BREAKWATER -s 198.51.100.0/24 -p tcp -m conntrack --ctorigdstport 9200 --ctdir ORIGINAL -j RETURN",
        "-A BREAKWATER -i eth0 -p tcp -m conntrack --ctstate NEW --ctorigdstport 9200 --ctdir ORIGINAL -j DROP");
  }

  @Test
  void defaultDenyLetsAnyThroughBeforeTheCatchAllForPortsPublishedLater() {
    CompiledPolicy compiled = PolicyCompiler.compile(Corpus.facts("docker-28-ufw-bypass"), PolicyFile.parse("""
        allow:
          - container: mysql
            from: any
        """, "p.yml"));
    assertThat(compiled.rules(IpFamily.V4)).containsExactly(
        "-A BREAKWATER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
        "-A BREAKWATER -p tcp -m conntrack --ctorigdstport 3306 --ctdir ORIGINAL -j RETURN",
        "-A BREAKWATER -i eth0 -o docker0 -m conntrack --ctstate DNAT -j DROP",
        "-A BREAKWATER -i eth0 -o br-+ -m conntrack --ctstate DNAT -j DROP");
  }

  @Test
  void aLargeSourceListBecomesOneSetMatchNamedAfterItsContent() {
    StringBuilder yaml = new StringBuilder("ipset-threshold: 3\nallow:\n  - port: 8080\n    from: [");
    for (int i = 0; i < 5; i++) {
      yaml.append(i > 0 ? ", " : "").append("198.51.100.").append(i * 16).append("/29");
    }
    yaml.append(", 2001:db8::/32]\n");
    CompiledPolicy compiled = PolicyCompiler.compile(Corpus.facts("docker-28-ipv6"), PolicyFile.parse(yaml.toString(), "p.yml"));

    assertThat(compiled.sets()).singleElement().satisfies(set -> {
      assertThat(set.name()).matches("bw4-[0-9a-f]{16}");
      assertThat(set.family()).isEqualTo(IpFamily.V4);
      assertThat(set.prefixes()).hasSize(5);
    });
    String name = compiled.sets().get(0).name();
    assertThat(compiled.rules(IpFamily.V4)).contains(
        "-A BREAKWATER -p tcp -m set --match-set " + name + " src -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN")
        .noneMatch(r -> r.contains("-s 198.51.100."));
    // one IPv6 source stays below the threshold: a plain rule
    assertThat(compiled.rules(IpFamily.V6)).contains(
        "-A BREAKWATER -s 2001:db8::/32 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN");
    // the same content gives the same name, whatever the order
    String reversed = yaml.toString().replace("198.51.100.0/29, ", "").replace("2001:db8::/32]", "2001:db8::/32, 198.51.100.0/29]");
    assertThat(reversed).isNotEqualTo(yaml.toString());
    assertThat(PolicyCompiler.compile(Corpus.facts("docker-28-ipv6"), PolicyFile.parse(reversed, "p.yml")).sets().get(0).name()).isEqualTo(name);
    assertThat(compiled.sets().get(0).restoreText()).startsWith("create " + name + "-n hash:net family inet maxelem 65536 -exist\nflush " + name + "-n\n")
        .endsWith("rename " + name + "-n " + name + "\n");
  }

  @Test
  void hostWithoutDefaultRouteNeedsInterfacesInThePolicy() {
    HostFacts corpus = Corpus.facts("docker-28-ufw-bypass");
    HostFacts noRoutes = new HostFacts(corpus.hostname(), corpus.interfaces(), List.of(), corpus.containers(),
        corpus.ipv4(), corpus.ipv6(), corpus.ufw(), corpus.daemon(), corpus.notes());
    assertThatThrownBy(() -> PolicyCompiler.compile(noRoutes, PolicyFile.parse("default: deny\n", "p.yml")))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("p.yml: expected 'interfaces: [eth0]' in the policy");
  }

  @Test
  void hostNetworkContainersAreNamedAsNotCovered() {
    CompiledPolicy compiled = PolicyCompiler.compile(Corpus.facts("host-network-container"), PolicyFile.parse("default: deny\n", "p.yml"));
    assertThat(compiled.notes()).anyMatch(n -> n.contains("uses the host network"));
  }
}
