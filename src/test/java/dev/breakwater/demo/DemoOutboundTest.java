package dev.breakwater.demo;

import dev.breakwater.system.RootCheck;
import dev.breakwater.lab.Lab;
import dev.breakwater.lab.Namespaces;
import dev.breakwater.lab.Scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.system.CommandRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The demo's "containers still reach the outside" check can fail: a bare DROP of everything
 * coming in on the outside interface also drops the replies to a container's own connection, and
 * a RELATED,ESTABLISHED return before it lets them back in.
 */
@Tag("lab")
class DemoOutboundTest {

  @Test
  void aContainersOutboundConnectionNeedsItsRepliesLetBackIn() {
    RootCheck.assumeRoot("the lab needs root (network namespaces, mounts, dockerd)");
    // As root a missing tool is a failure, not a skip: CI installs it.
    if (!Stream.of("dockerd", "docker", "ufw", "iptables", "busybox", "nsenter", "unshare", "ss").allMatch(t -> CommandRunner.find(t).isPresent())) {
      throw new AssertionError("the lab needs docker.io, ufw, iptables, busybox-static, util-linux, iproute2 (installed by .ci/run)");
    }
    List<String> log = new ArrayList<>();
    Lab lab = Lab.standard(log::add);
    try {
      lab.up(Scenario.seedIncident());

      Lab.OutboundResult open = lab.containerConnectsOut("db", 9000);
      assertThat(open.answered()).as("%s", open).isTrue();
      assertThat(open.reply()).isEqualTo(Lab.OUTSIDE_REPLY);
      assertThat(open.containerAddress()).startsWith("198.18.");
      assertThat(open.target()).isEqualTo(Lab.ATTACKER_ADDRESSES.getFirst());

      lab.applyRules(List.of(List.of("-I", "DOCKER-USER", "1", "-i", Lab.OUTSIDE_INTERFACE, "-j", "DROP")), List.of());
      Lab.OutboundResult bareDrop = lab.containerConnectsOut("db", 9001);
      assertThat(bareDrop.answered()).as("a bare DROP on %s must drop the replies too: %s", Lab.OUTSIDE_INTERFACE, bareDrop).isFalse();

      lab.applyRules(List.of(List.of("-I", "DOCKER-USER", "1", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN")), List.of());
      Lab.OutboundResult repliesFirst = lab.containerConnectsOut("db", 9002);
      assertThat(repliesFirst.answered()).as("%s", repliesFirst).isTrue();
    } finally {
      lab.down();
    }
    assertThat(Namespaces.exists(Lab.HOST_NS)).isFalse();
    assertThat(Namespaces.exists(Lab.ATTACKER_NS)).isFalse();
  }
}
