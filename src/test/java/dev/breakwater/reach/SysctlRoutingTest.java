package dev.breakwater.reach;

import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostListener;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv4/IPv6 forwarding and route_localnet on public-11's host (two VNICs: enp0s6 with the default
 * route, enp1s0 10.0.1.2/24; 25565 published on each VNIC's address, INPUT accepts everything),
 * with a sysctl.txt added. The kernel oracle checks the same on a real kernel (LabSysctls).
 */
class SysctlRoutingTest {
  private static final String PUBLIC_11 = "public-11-oci-second-vnic-minecraft";
  /** Routed back by the default route, out of enp0s6. */
  private static final String PLAYER = "198.51.100.7";
  /** On enp1s0's link: routed back out of enp1s0. */
  private static final String NEIGHBOUR = "10.0.1.50";

  @TempDir
  static Path temp;
  private final CorpusWithSysctl public11 = new CorpusWithSysctl(PUBLIC_11, temp);

  private static Trace syn(Reachability r, String source, String destination, int port, String in) {
    return r.trace(new Packet(ip(source), ip(destination), Transport.TCP, 50000, port, in));
  }

  @Test
  void theArrivalDevicesOwnForwardingDecidesAForwardedPacket() throws IOException {
    // ip_forward = 1 was written first (it copies itself to every device), enp1s0's own 0 after it.
    Reachability r = public11.withSysctl("net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.forwarding = 1\n"
        + "net.ipv4.conf.enp0s6.forwarding = 1\nnet.ipv4.conf.enp1s0.forwarding = 0\n");

    Trace published = syn(r, NEIGHBOUR, "10.0.1.2", 25565, "enp1s0");
    assertThat(published.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(published.decision()).contains("net.ipv4.conf.enp1s0.forwarding = 0").contains("does not forward");
    // Local delivery on the same device is not forwarding: INPUT decides, as before.
    assertThat(syn(r, NEIGHBOUR, "10.0.1.2", 22, "enp1s0").verdict().label()).isEqualTo("reachable");
    assertThat(syn(r, PLAYER, "10.0.0.101", 25565, "enp0s6").verdict().label()).isEqualTo("reachable");
    // The published port's answer follows: nobody on enp1s0, the world on enp0s6.
    PortReach second = r.exposures().stream().filter(e -> e.port().hostIp().equals(ip("10.0.1.2"))).findFirst().orElseThrow();
    assertThat(second.classes()).filteredOn(c -> c.ingress().equals("enp1s0"))
        .allSatisfy(c -> assertThat(c.verdict()).isEqualTo(Verdict.BLOCKED));
  }

  @Test
  void ipForwardOffLeavesADeviceTurnedBackOnAndUnknownMeansOn() throws IOException {
    Reachability r = public11.withSysctl("net.ipv4.ip_forward = 0\nnet.ipv4.conf.all.forwarding = 0\n"
        + "net.ipv4.conf.enp0s6.forwarding = 0\nnet.ipv4.conf.enp1s0.forwarding = 1\n");
    assertThat(syn(r, NEIGHBOUR, "10.0.1.2", 25565, "enp1s0").verdict().label()).isEqualTo("reachable");
    assertThat(syn(r, PLAYER, "10.0.0.101", 25565, "enp0s6").verdict()).isEqualTo(Verdict.BLOCKED);

    // Without the device's own value (or without sysctl.txt) forwarding is taken to be on: today's answers.
    assertThat(syn(public11.withSysctl("net.ipv4.ip_forward = 0\n"), PLAYER, "10.0.0.101", 25565, "enp0s6").verdict().label())
        .isEqualTo("reachable");
    assertThat(syn(public11.withSysctl(null), PLAYER, "10.0.0.101", 25565, "enp0s6").verdict().label()).isEqualTo("reachable");
  }

  @Test
  void ipv6ForwardsOnConfAllOrTheDevicesForceForwarding() {
    Forwarding off = new Forwarding(Map.of(), Optional.of(0), Map.of("eth0", 1, "eth1", 0), false);
    assertThat(off.refuses(IpFamily.V6, "eth0")).isEmpty();
    assertThat(off.refuses(IpFamily.V6, "eth1")).hasValueSatisfying(why -> assertThat(why)
        .contains("net.ipv6.conf.all.forwarding = 0").contains("force_forwarding"));
    // A device whose force_forwarding sysctl.txt does not show has none only on a kernel before
    // 6.17; on a newer or unknown one (a snapshot of an older pattern) it may force: taken to forward.
    assertThat(off.refuses(IpFamily.V6, "eth2")).isEmpty();
    assertThat(new Forwarding(Map.of(), Optional.of(0), Map.of(), true).refuses(IpFamily.V6, "eth2")).isPresent();
    assertThat(Forwarding.before617("6.1.0-28-amd64")).isTrue();
    assertThat(Forwarding.before617("5.15.0-91-generic")).isTrue();
    assertThat(Forwarding.before617("6.17.0")).isFalse();
    assertThat(Forwarding.before617("6.18.3+deb13-amd64")).isFalse();
    assertThat(Forwarding.before617("7.0")).isFalse();
    assertThat(Forwarding.before617("unknown")).isFalse();
    // The host's own packets are routed on output, where forwarding is not asked.
    assertThat(off.refuses(IpFamily.V6, "lo")).isEmpty();
    assertThat(new Forwarding(Map.of(), Optional.of(1), Map.of(), false).refuses(IpFamily.V6, "eth1")).isEmpty();
    assertThat(Forwarding.UNKNOWN.refuses(IpFamily.V6, "eth1")).isEmpty();
    // IPv4's per-device value says nothing about IPv6, and the other way round.
    Forwarding v4Off = new Forwarding(Map.of("eth1", 0), Optional.of(1), Map.of(), true);
    assertThat(v4Off.refuses(IpFamily.V6, "eth1")).isEmpty();
    assertThat(v4Off.refuses(IpFamily.V4, "eth1")).isPresent();
    assertThat(v4Off.refuses(IpFamily.V4, "eth0")).isEmpty();
  }

  @Test
  void routeLocalnetLetsALoopbackDestinationInWhereTheAnswerCanLeave() throws IOException {
    Trace martian = syn(public11.withSysctl("net.ipv4.conf.all.route_localnet = 0\n"), NEIGHBOUR, "127.0.0.1", 6379, "enp1s0");
    assertThat(martian.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(martian.decision()).contains("martian").contains("net.ipv4.conf.{all,enp1s0}.route_localnet = 0");

    Reachability enp1s0 = public11.withSysctl("net.ipv4.conf.all.route_localnet = 0\nnet.ipv4.conf.enp1s0.route_localnet = 1\n");
    Trace neighbour = syn(enp1s0, NEIGHBOUR, "127.0.0.1", 6379, "enp1s0");
    assertThat(neighbour.verdict().label()).isEqualTo("reachable");
    assertThat(neighbour.path()).anySatisfy(s -> assertThat(s.describe()).contains("route_localnet = 1"));
    // The player's answer would leave by enp0s6, which refuses a loopback source (__mkroute_output).
    Trace player = syn(enp1s0, PLAYER, "127.0.0.1", 6379, "enp1s0");
    assertThat(player.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(player.decision()).contains("leave by enp0s6").contains("net.ipv4.conf.{all,enp0s6}.route_localnet = 0");
    // On enp0s6 itself it is still a martian.
    assertThat(syn(enp1s0, PLAYER, "127.0.0.1", 6379, "enp0s6").verdict()).isEqualTo(Verdict.BLOCKED);

    // all = 1 counts for every device, both ways (IN_DEV_ORCONF).
    Reachability all = public11.withSysctl("net.ipv4.conf.all.route_localnet = 1\nnet.ipv4.conf.enp0s6.route_localnet = 0\n");
    assertThat(syn(all, PLAYER, "127.0.0.1", 6379, "enp1s0").verdict().label()).isEqualTo("reachable");
    assertThat(syn(all, PLAYER, "127.0.0.2", 6379, "enp0s6").verdict().label()).isEqualTo("reachable");
  }

  @Test
  void aListenerOn127001IsReachedByTheNeighboursOfADeviceWithRouteLocalnet() throws IOException {
    HostListener redis = new HostListener(Transport.TCP, ip("127.0.0.1"), false, Optional.empty(), 6379, List.of());

    PortReach off = ListenerReach.of(public11.withSysctl("net.ipv4.conf.all.route_localnet = 0\n")).analyse(redis);
    assertThat(off.classes()).allSatisfy(c -> assertThat(c.verdict()).isEqualTo(Verdict.BLOCKED));

    PortReach on = ListenerReach.of(public11.withSysctl("net.ipv4.conf.enp1s0.route_localnet = 1\n")).analyse(redis);
    assertThat(on.classes()).filteredOn(c -> c.verdict() instanceof Verdict.Reachable)
        .singleElement().satisfies(c -> {
          assertThat(c.ingress()).isEqualTo("enp1s0");
          assertThat(c.sources()).extracting(Object::toString).containsExactly("10.0.1.0/24");
          assertThat(c.because()).contains("net.ipv4.conf.{all,enp1s0}.route_localnet = 1").doesNotContain("Docker");
        });
    assertThat(on.notes()).anySatisfy(n -> assertThat(n.text()).contains("routes 127.0.0.0/8 arriving on enp1s0"));
  }

  @Test
  void routeLocalnetIsAllOrTheDevice() {
    RouteLocalnet device = new RouteLocalnet(0, Map.of("eth0", 1));
    assertThat(device.on("eth0")).isTrue();
    assertThat(device.on("eth1")).isFalse();
    assertThat(new RouteLocalnet(1, Map.of("eth0", 0)).on("eth0")).isTrue();
    assertThat(RouteLocalnet.OFF.on("eth0")).isFalse();
    assertThat(device.setting("eth0.100")).isEqualTo("net.ipv4.conf.{all,eth0/100}.route_localnet = 0");
  }
}
