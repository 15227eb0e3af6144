package dev.breakwater.hostconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.catalog.Severity;
import dev.breakwater.problem.BadInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sysctl's output read with its lines; route_localnet and IPv4 forwarding judged. */
class SysctlChecksTest {
  private static final List<ContainerPublish> REDIS = List.of(new ContainerPublish("redis", 6379, 6379));

  @Test
  void readsKeysWithTheirLinesAndInterfaceNamesWithDots() {
    SysctlValues values = SysctlValues.parse("""
        net.ipv4.ip_forward = 1
        sysctl: permission denied on key 'net.ipv4.route.flush'

        net.ipv4.conf.eth0/100.route_localnet = 1
        net.ipv4.conf.all.route_localnet=0
        """, "sysctl.txt");

    assertThat(values.get("net.ipv4.ip_forward").orElseThrow().place()).isEqualTo(new ConfigPlace("sysctl.txt", 1, 1));
    assertThat(values.interfaceValues("net.ipv4.conf", "route_localnet")).containsOnlyKeys("eth0.100", "all");
    assertThatThrownBy(() -> SysctlValues.parse("net.ipv4.ip_forward 1\n", "sysctl.txt"))
        .isInstanceOf(BadInput.class).hasMessageStartingWith("sysctl.txt:1:1: expected 'key = value'");
  }

  @Test
  void routeLocalnetOnAnInterfaceOpensLoopbackServicesAndSaysLoopbackPublishesDoNotDependOnIt() {
    SysctlValues values = SysctlValues.parse("net.ipv4.conf.lo.route_localnet = 1\nnet.ipv4.conf.eth0.route_localnet = 1\n",
        "sysctl.txt");

    assertThat(SysctlChecks.of(values, REDIS, true)).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(SysctlChecks.ROUTE_LOCALNET);
      // Medium: the host's 127.0.0.1 services; the loopback publish is reachable without it too.
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.where().line()).isEqualTo(2);
      assertThat(f.message()).contains("eth0's neighbours").contains("answers for those sockets follow it")
          .contains("Ports published on 127.0.0.1 (6379 (redis)) are reachable from neighbours with or without it")
          .doesNotContain("martian");
      assertThat(f.fix()).startsWith("sysctl -w net.ipv4.conf.eth0.route_localnet=0");
    });
    assertThat(SysctlChecks.of(values, List.of(), true)).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.message()).doesNotContain("Ports published");
    });
  }

  @Test
  void allCountsForEveryInterfaceAndDockersBridgeIsLow() {
    SysctlValues all = SysctlValues.parse("net.ipv4.conf.all.route_localnet = 1\n", "sysctl.txt");
    assertThat(SysctlChecks.of(all, REDIS, true)).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("from every interface"));

    SysctlValues bridge = SysctlValues.parse("net.ipv4.conf.docker0.route_localnet = 1\n", "sysctl.txt");
    assertThat(SysctlChecks.of(bridge, REDIS, true)).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.LOW);
      assertThat(f.message()).contains("\"userland-proxy\" is false");
    });
    assertThat(SysctlChecks.of(SysctlValues.parse("net.ipv4.conf.eth0.route_localnet = 0\n", "s"), REDIS, true)).isEmpty();
  }

  @Test
  void forwardingOffIsANoteOnlyWhenPortsArePublished() {
    SysctlValues off = SysctlValues.parse("net.ipv4.ip_forward = 0\n", "sysctl.txt");
    assertThat(SysctlChecks.of(off, List.of(), true)).singleElement().satisfies(f -> {
      assertThat(f.id()).isEqualTo(SysctlChecks.FORWARDING_OFF);
      assertThat(f.isNote()).isTrue();
      assertThat(f.message()).contains("net.ipv4.conf.IFACE.forwarding").contains("answers follow")
          .doesNotContain("assume forwarding is on");
    });
    assertThat(SysctlChecks.of(off, List.of(), false)).isEmpty();
    assertThat(SysctlChecks.of(SysctlValues.parse("net.ipv4.ip_forward = 1\n", "s"), List.of(), true)).isEmpty();
  }

  @Test
  void sysctlDFilesReadAsSystemdSysctlReadsThem() {
    SysctlValues conf = SysctlValues.parseConf("""
        # /etc/sysctl.d/60-net.conf
        ; another comment
        -net.ipv4.conf.eth0.route_localnet = 1
        net/ipv4/conf/eth0.100/route_localnet=1
        net.ipv4.conf.*.rp_filter = 2
        """, "sysctl.d/60-net.conf");

    assertThat(conf.get("net.ipv4.conf.eth0.route_localnet").orElseThrow().place())
        .isEqualTo(new ConfigPlace("sysctl.d/60-net.conf", 3, 1));
    // a slash-first key has its slashes and dots swapped: the same key sysctl prints
    assertThat(conf.interfaceValues("net.ipv4.conf", "route_localnet")).containsOnlyKeys("eth0", "eth0.100");
    assertThat(conf.interfaceValues("net.ipv4.conf", "rp_filter")).containsOnlyKeys("*");
    assertThatThrownBy(() -> SysctlValues.parseConf("net.ipv4.ip_forward = 1\nkernel.panic\n", "sysctl.conf"))
        .isInstanceOf(BadInput.class).hasMessageStartingWith("sysctl.conf:2:1: expected 'key = value', a # or ; comment");
    assertThatThrownBy(() -> SysctlValues.parseConf("a = 1\n".repeat(SysctlValues.MAX_LINES + 1), "sysctl.conf"))
        .isInstanceOf(BadInput.class).hasMessageStartingWith("sysctl.conf:" + (SysctlValues.MAX_LINES + 1) + ":1: expected at most");
  }

  @Test
  void aLaterFileUndoesAnEarlierOneAndAGlobOpensEveryInterface() {
    SysctlValues early = SysctlValues.parseConf("net.ipv4.conf.eth0.route_localnet = 1\n", "sysctl.d/10-a.conf");
    SysctlValues late = SysctlValues.parseConf("net.ipv4.conf.eth0.route_localnet = 0\n", "sysctl.conf");
    assertThat(SysctlChecks.of(SysctlValues.merged(List.of(early, late)), REDIS, true)).isEmpty();
    assertThat(SysctlChecks.of(SysctlValues.merged(List.of(late, early)), REDIS, true)).singleElement()
        .satisfies(f -> assertThat(f.where().file()).isEqualTo("sysctl.d/10-a.conf"));

    SysctlValues glob = SysctlValues.parseConf("net.ipv4.conf.*.route_localnet = 1\n", "sysctl.d/99-glob.conf");
    assertThat(SysctlChecks.of(glob, REDIS, true)).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
      assertThat(f.message()).contains("from every interface").contains("6379 (redis)");
      assertThat(f.fix()).startsWith("write 0 on this line");
    });
  }
}
