package dev.breakwater.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.ConntrackEntry;
import dev.breakwater.netfilter.IptablesSaveParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which open connections a newly applied policy cuts: the DNATed ones from forbidden outsiders only. */
class ForbiddenFlowsTest {
  private static final HostFacts FACTS =
      PolicyTrafficLabTest.facts(IptablesSaveParser.parse(PolicyTrafficLabTest.HOST_RULES, IpFamily.V4, "rules"));
  private static final CompiledPolicy COMPILED = PolicyCompiler.compile(FACTS, PolicyFile.parse(
      "interfaces: [eth0]\nallow:\n  - port: 3306\n    from: 198.51.100.3\n", "policy.yml"));

  private static ConntrackEntry entry(String line) {
    return ConntrackEntry.parse(line).orElseThrow();
  }

  private static final ConntrackEntry STRANGER = entry("tcp 6 300 ESTABLISHED src=198.51.100.2 dst=198.51.100.1 sport=40000 "
      + "dport=3306 src=198.18.0.2 dst=198.51.100.2 sport=80 dport=40000 [ASSURED] mark=0 use=1");
  private static final ConntrackEntry OFFICE = entry("tcp 6 300 ESTABLISHED src=198.51.100.3 dst=198.51.100.1 sport=40001 "
      + "dport=3306 src=198.18.0.2 dst=198.51.100.3 sport=80 dport=40001 [ASSURED] mark=0 use=1");
  /** The container's own connection out to a remote MySQL: SNATed (masquerade), not DNATed. */
  private static final ConntrackEntry CONTAINER_OUT = entry("tcp 6 300 ESTABLISHED src=198.18.0.2 dst=198.51.100.9 sport=40002 "
      + "dport=3306 src=198.51.100.9 dst=198.51.100.1 sport=3306 dport=40002 [ASSURED] mark=0 use=1");
  /** A client inside the host (on the docker0 network) reaching the published port: never meets the drop. */
  private static final ConntrackEntry INSIDE = entry("tcp 6 300 ESTABLISHED src=198.18.0.7 dst=198.51.100.1 sport=40003 "
      + "dport=3306 src=198.18.0.2 dst=198.18.0.7 sport=80 dport=40003 [ASSURED] mark=0 use=1");
  private static final ConntrackEntry OTHER_PORT = entry("tcp 6 300 ESTABLISHED src=198.51.100.2 dst=198.51.100.1 sport=40004 "
      + "dport=22 src=198.51.100.1 dst=198.51.100.2 sport=22 dport=40004 [ASSURED] mark=0 use=1");

  @Test
  void onlyTheForbiddenOutsidersSessionIsSelected() {
    assertThat(ForbiddenFlows.select(COMPILED, FACTS, List.of(STRANGER, OFFICE, CONTAINER_OUT, INSIDE, OTHER_PORT)))
        .containsExactly(STRANGER);
  }

  @Test
  void aPortOpenToAnyoneCutsNothing() {
    CompiledPolicy open = PolicyCompiler.compile(FACTS, PolicyFile.parse(
        "interfaces: [eth0]\nallow:\n  - port: 3306\n    from: any\n", "policy.yml"));
    assertThat(ForbiddenFlows.select(open, FACTS, List.of(STRANGER, OFFICE))).isEmpty();
    assertThat(ForbiddenFlows.portsOf(open, IpFamily.V4)).isEmpty();
  }

  @Test
  void defaultDenyCutsEveryOutsiderOfAProtectedPort() {
    CompiledPolicy deny = PolicyCompiler.compile(FACTS, PolicyFile.parse("interfaces: [eth0]\ndefault: deny\n", "policy.yml"));
    assertThat(ForbiddenFlows.select(deny, FACTS, List.of(STRANGER, OFFICE, CONTAINER_OUT, INSIDE))).containsExactly(STRANGER, OFFICE);
  }
}
