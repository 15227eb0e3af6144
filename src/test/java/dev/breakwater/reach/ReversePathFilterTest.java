package dev.breakwater.reach;

import static dev.breakwater.reach.RulesetFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rp_filter on public-11's host (two VNICs, one default route by enp0s6), with a sysctl.txt
 * added: what fib_validate_source does to a SYN that arrives on enp1s0 from a source whose route
 * back leaves by enp0s6.
 */
class ReversePathFilterTest {
  private static final String PUBLIC_11 = "public-11-oci-second-vnic-minecraft";

  @TempDir
  static Path temp;
  private final CorpusWithSysctl public11 = new CorpusWithSysctl(PUBLIC_11, temp);

  private static Trace syn(Reachability r, String source, String destination, String in) {
    return r.trace(new Packet(ip(source), ip(destination), Transport.TCP, 50000, 25565, in));
  }

  private static final String PLAYER = "198.51.100.7";
  private static final String NEIGHBOUR = "10.0.1.50";

  @Test
  void strictDropsASourceWhoseRouteBackLeavesByTheOtherInterface() throws IOException {
    Reachability r = public11.withSysctl("net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.enp0s6.rp_filter = 1\n"
        + "net.ipv4.conf.enp1s0.rp_filter = 1\nnet.ipv4.ip_forward = 1\n");

    Trace player = syn(r, PLAYER, "10.0.1.2", "enp1s0");
    assertThat(player.verdict().label()).isEqualTo("blocked");
    assertThat(player.decision()).contains("reverse-path filter").contains("strict").contains("leaves by enp0s6");
    assertThat(syn(r, NEIGHBOUR, "10.0.1.2", "enp1s0").verdict().label()).isEqualTo("reachable");
    assertThat(syn(r, PLAYER, "10.0.0.101", "enp0s6").verdict().label()).isEqualTo("reachable");

    // The exposure of the second VNIC's publish: on enp1s0 only its own subnet gets in.
    PortReach second = r.exposures().stream().filter(e -> e.port().hostIp().equals(ip("10.0.1.2"))).findFirst().orElseThrow();
    assertThat(second.exact()).isTrue();
    assertThat(second.classes().stream().filter(c -> c.ingress().equals("enp1s0") && c.verdict() instanceof Verdict.Reachable)
        .flatMap(c -> c.sources().stream()).map(IPAddress::toString)).containsExactly("10.0.1.0/24");
  }

  @Test
  void theEffectiveValueIsTheLargerOfAllAndTheInterface() throws IOException {
    // all = 1 makes every interface strict, whatever its own value says.
    Reachability allStrict = public11.withSysctl("net.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.enp1s0.rp_filter = 0\n");
    assertThat(syn(allStrict, PLAYER, "10.0.1.2", "enp1s0").verdict().label()).isEqualTo("blocked");
    // max(1, 2) = 2: loose, and a route back exists (the default), so the SYN passes.
    Reachability loose = public11.withSysctl("net.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.enp1s0.rp_filter = 2\n");
    assertThat(syn(loose, PLAYER, "10.0.1.2", "enp1s0").verdict().label()).isEqualTo("reachable");
  }

  @Test
  void offOrUnknownKeepsTheAnswerWithoutTheCheck() throws IOException {
    assertThat(syn(public11.withSysctl("net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.enp1s0.rp_filter = 0\n"), PLAYER,
        "10.0.1.2", "enp1s0").verdict().label()).isEqualTo("reachable");
    assertThat(syn(public11.withSysctl("net.ipv4.ip_forward = 1\n"), PLAYER, "10.0.1.2", "enp1s0").verdict().label())
        .isEqualTo("reachable");
    assertThat(syn(public11.withSysctl(null), PLAYER, "10.0.1.2", "enp1s0").verdict().label()).isEqualTo("reachable");
  }

  @Test
  void looseDropsOnlyASourceWithNoRouteBack() {
    ReversePathFilter loose = new ReversePathFilter(2, java.util.Map.of(), true);
    assertThat(loose.drops("eth1", java.util.Optional.of("eth0"), "198.51.100.7")).isEmpty();
    assertThat(loose.drops("eth1", java.util.Optional.empty(), "198.51.100.7")).hasValueSatisfying(
        why -> assertThat(why).contains("no route back"));
    ReversePathFilter strict = new ReversePathFilter(0, java.util.Map.of("eth1", 1), true);
    assertThat(strict.drops("eth1", java.util.Optional.of("eth1"), "198.51.100.7")).isEmpty();
    assertThat(strict.drops("eth0", java.util.Optional.of("eth1"), "198.51.100.7")).isEmpty();
    assertThat(strict.mode("lo")).isZero();
  }
}
