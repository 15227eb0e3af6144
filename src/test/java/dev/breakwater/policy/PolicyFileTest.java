package dev.breakwater.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.problem.InputProblem;
import dev.breakwater.net.PortAndProtocol;
import dev.breakwater.net.Transport;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyFileTest {

  @Test
  void aPolicyNested3000LevelsDeepIsRefusedAtItsPosition() {
    String deep = "allow: " + "[".repeat(3000) + "]".repeat(3000) + "\n";
    assertThatThrownBy(() -> PolicyFile.parse(deep, "p.yaml"))
        .isInstanceOf(InputProblem.class)
        .hasMessage("p.yaml:1:263: expected YAML nested at most 256 levels deep");
  }

  @Test
  void aDeviceOrADirectoryIsNotReadAsAPolicy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    assertThatThrownBy(() -> PolicyFile.read(java.nio.file.Path.of("/dev/zero")))
        .isInstanceOf(InputProblem.class)
        .hasMessage("/dev/zero: expected a regular file of at most 8 MiB, got a character device"
            + " (a policy file is YAML, see docs/policy.md)");
    assertThatThrownBy(() -> PolicyFile.read(tmp))
        .hasMessageContaining("got a directory");
    assertThatThrownBy(() -> PolicyFile.read(tmp.resolve("absent.yaml")))
        .isInstanceOf(InputProblem.class)
        .hasMessage(tmp.resolve("absent.yaml") + ": cannot read the policy file (no such file)");
  }

  @Test
  void readsEveryKindOfEntry() {
    Policy policy = PolicyFile.parse("""
        version: 1
        interfaces: [eth0, ens3]
        default: deny
        action: reject
        labels: false
        allow:
          - port: 443
            from: any
          - port: 3306/tcp
            from: [198.51.100.0/24, 2001:db8::/32, 203.0.113.7]
          - container: mysql
            port: 33060
            protocol: tcp
            from: 10.0.0.0/8
          - service: web
            project: shop
            from: any
          - label: tier=public
            from: any
        """, "p.yml");
    assertThat(policy.externalInterfaces()).containsExactly("eth0", "ens3");
    assertThat(policy.defaultVerdict()).isEqualTo(Policy.Default.DENY);
    assertThat(policy.denyAction()).isEqualTo(Policy.DenyAction.REJECT);
    assertThat(policy.labels()).isEqualTo(LabelTrust.NONE);
    assertThat(policy.allows()).hasSize(5);
    AllowRule mysqlPort = policy.allows().get(1);
    assertThat(mysqlPort.selector()).isEqualTo(new Selector.AnyContainer());
    assertThat(mysqlPort.port()).contains(3306);
    assertThat(mysqlPort.protocol()).contains(Transport.TCP);
    assertThat(mysqlPort.sources().toString()).isEqualTo("198.51.100.0/24, 2001:db8::/32, 203.0.113.7/32");
    assertThat(mysqlPort.origin()).isEqualTo("p.yml:9:5");
    assertThat(policy.allows().get(2).selector()).isEqualTo(new Selector.ContainerName("mysql"));
    assertThat(policy.allows().get(3).selector()).isEqualTo(new Selector.ComposeService("web", Optional.of("shop")));
    assertThat(policy.allows().get(4).selector()).isEqualTo(new Selector.Label("tier", Optional.of("public")));
    assertThat(policy.allows().get(0).sources().any()).isTrue();
  }

  @Test
  void defaultsAreDenyDropNoLabelsAndTheDefaultRoute() {
    Policy policy = PolicyFile.parse("allow: []\n", "p.yml");
    assertThat(policy.externalInterfaces()).isEmpty();
    assertThat(policy.defaultVerdict()).isEqualTo(Policy.Default.DENY);
    assertThat(policy.denyAction()).isEqualTo(Policy.DenyAction.DROP);
    assertThat(policy.labels().accepted()).as("labels are a trust boundary: off unless asked for").isFalse();
    assertThat(policy.allows()).isEmpty();
  }

  @Test
  void expectOpenListsPortsABarePortMeaningTcpAndUdp() {
    Policy policy = PolicyFile.parse("expect-open: [22/tcp, 443]\n", "p.yml");
    assertThat(policy.expectOpen().orElseThrow()).containsExactly(new PortAndProtocol(22, Transport.TCP),
        new PortAndProtocol(443, Transport.TCP), new PortAndProtocol(443, Transport.UDP));
    assertThat(PolicyFile.parse("expect-open: 80/tcp\n", "p.yml").expectOpen().orElseThrow()).hasSize(1);
    assertThat(PolicyFile.parse("allow: []\n", "p.yml").expectOpen()).isEmpty();
  }

  @Test
  void labelsTrueAcceptsLabelsButNeverAny() {
    assertThat(PolicyFile.parse("labels: true\n", "p.yml").labels()).isEqualTo(LabelTrust.ACCEPTED);
    assertThat(LabelTrust.ACCEPTED.allowAny()).isFalse();
    assertThat(PolicyFile.parse("labels: off\n", "p.yml").labels()).isEqualTo(LabelTrust.NONE);
  }

  @Test
  void labelsMappingNamesProjectsSourcesAndAny() {
    LabelTrust trust = PolicyFile.parse("""
        labels:
          accept-from-projects: [web, shop]
          within: [10.0.0.0/8, 2001:db8::/32]
          allow-any-label: true
        """, "p.yml").labels();
    assertThat(trust.accepted()).isTrue();
    assertThat(trust.projects()).containsExactly("web", "shop");
    assertThat(trust.within()).extracting(Object::toString).containsExactly("10.0.0.0/8", "2001:db8::/32");
    assertThat(trust.allowAny()).isTrue();
    LabelTrust within = PolicyFile.parse("labels: {within: 192.0.2.0/24}\n", "p.yml").labels();
    assertThat(within.accepted()).isTrue();
    assertThat(within.projects()).isEmpty();
    assertThat(within.within()).extracting(Object::toString).containsExactly("192.0.2.0/24");
    assertThat(within.allowAny()).as("a mapping without allow-any-label refuses any").isFalse();
  }

  static Stream<Arguments> badPolicies() {
    return Stream.of(
        Arguments.of("allow:\n  - port: 3306\n    from: 198.51.100.0/33\n", "p.yml:3:11: expected an IPv4 or IPv6 address or CIDR"),
        Arguments.of("allow:\n  - port: 3306\n    from: [any, 10.1.2.3/8]\n", "p.yml:3:17: expected a network prefix with host bits zero, got '10.1.2.3/8' (did you mean 10.0.0.0/8?)"),
        Arguments.of("allow:\n  - port: 70000\n    from: any\n", "p.yml:2:11: expected a port number 1-65535"),
        Arguments.of("allow:\n  - port: 53/icmp\n    from: any\n", "p.yml:2:11: expected tcp, udp or sctp, got 'icmp'"),
        Arguments.of("interfaces: [\"eth0; rm -rf /\"]\n", "p.yml:1:14: expected an interface name"),
        Arguments.of("interfaces: [averyveryverylongname0]\n", "p.yml:1:14: expected an interface name"),
        Arguments.of("defualt: deny\n", "p.yml:1:1: expected one of action, allow, default, expect-open, interfaces, ipset-threshold, labels, version, got 'defualt'"),
        Arguments.of("expect-open: [22/tcp, 0]\n", "p.yml:1:23: expected PORT[/tcp|/udp] with PORT in 1..65535, such as 22/tcp or 443, found '0'"),
        Arguments.of("expect-open: [5000/sctp]\n", "p.yml:1:15: expected PORT[/tcp|/udp]"),
        Arguments.of("expect-open: {a: 1}\n", "p.yml:1:14: expected a port (22/tcp, 443) or a list of them"),
        Arguments.of("labels: maybe\n", "p.yml:1:9: expected true, false or a mapping with accept-from-projects, allow-any-label, within"),
        Arguments.of("labels: {within: any}\n", "p.yml:1:18: expected a CIDR (203.0.113.0/24, 2001:db8::/32), got 'any'"),
        Arguments.of("labels: {within: 10.0.0.0/33}\n", "p.yml:1:18: expected an IPv4 or IPv6 address or CIDR"),
        Arguments.of("labels: {within: []}\n", "p.yml:1:18: expected at least one CIDR in 'within:'"),
        Arguments.of("labels: {allow-any: true}\n", "p.yml:1:10: expected one of accept-from-projects, allow-any-label, within, got 'allow-any'"),
        Arguments.of("labels: {allow-any-label: sure}\n", "p.yml:1:27: expected true or false"),
        Arguments.of("labels: {accept-from-projects: [\"\"]}\n", "p.yml:1:33: expected a Compose project name, got nothing"),
        Arguments.of("default: maybe\n", "p.yml:1:10: expected 'deny' or 'allow'"),
        Arguments.of("action: explode\n", "p.yml:1:9: expected 'drop' or 'reject'"),
        Arguments.of("allow:\n  - from: any\n", "p.yml:2:5: expected 'port', 'container', 'service' or 'label'"),
        Arguments.of("allow:\n  - port: 80\n", "p.yml:2:5: expected 'from:'"),
        Arguments.of("allow:\n  - container: a\n    label: b\n    from: any\n", "p.yml:3:12: expected only one of"),
        Arguments.of("allow:\n  - port: 80\n    from: []\n", "p.yml:3:11: expected at least one source"),
        Arguments.of("allow: yes please\n", "p.yml:1:8: expected a list of allow entries"),
        Arguments.of("allow:\n  - port: 80\n    from: any\n  port: 3\n", "p.yml:4:3: expected valid YAML"),
        Arguments.of("version: 2\n", "p.yml:1:10: expected version 1"),
        Arguments.of("ipset-threshold: 0\n", "p.yml:1:18: expected a number of sources from 1 to 1000000, got '0'"),
        Arguments.of("", "p.yml:1:1: expected a policy"),
        Arguments.of("- a\n- b\n", "p.yml:1:1: expected a mapping"),
        Arguments.of("default: deny\ndefault: allow\n", "p.yml:2:1: expected each key once, got 'default' again"));
  }

  @ParameterizedTest
  @MethodSource("badPolicies")
  void badPolicyIsRejectedWithItsPosition(String yaml, String message) {
    assertThatThrownBy(() -> PolicyFile.parse(yaml, "p.yml"))
        .isInstanceOf(InputProblem.class)
        .hasMessageStartingWith(message);
  }

  /**
   * What the lenient parser used to widen or move ("10.1" was 10.0.0.1/32, "10.*" 10.0.0.0/8,
   * 3232235777 192.168.1.1/32, "*.*.*.*" 0.0.0.0/0) is refused where it was written.
   */
  static Stream<Arguments> loosePrefixes() {
    return Stream.of(
        Arguments.of("10.1", "10.1", 11),
        Arguments.of("\"10.*\"", "10.*", 11),
        Arguments.of("3232235777", "3232235777", 11),
        Arguments.of("\"*.*.*.*\"", "*.*.*.*", 11),
        Arguments.of("[any, 10.0.1]", "10.0.1", 17),
        Arguments.of("\"10.0.0.0/255.0.0.0\"", "10.0.0.0/255.0.0.0", 11),
        Arguments.of("\"10.0.0.1-9\"", "10.0.0.1-9", 11),
        Arguments.of("\"fe80::1%eth0\"", "fe80::1%eth0", 11));
  }

  @ParameterizedTest(name = "from: {0}")
  @MethodSource("loosePrefixes")
  void looseAddressInFromIsRefusedWithItsPositionAndWhatAPrefixLooksLike(String yaml, String written, int column) {
    assertThatThrownBy(() -> PolicyFile.parse("allow:\n  - port: 3306\n    from: " + yaml + "\n", "p.yml"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("p.yml:3:" + column + ": expected an IPv4 or IPv6 address or CIDR prefix such as 198.51.100.0/24 "
            + "or 2001:db8::/32, got '" + written + "' (or 'any' for every source)");
  }
}
