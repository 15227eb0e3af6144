package dev.breakwater.reach;

import static dev.breakwater.reach.RulesetFixture.ip;

import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerNetwork;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.host.Route;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Ruleset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test fixture: a typical Docker host (eth0 outside, docker0 with one veth) and its containers. */
final class HostFixture {
  private HostFixture() {}

  static final String HOST_V4 = "192.0.2.10";
  static final String HOST_V6 = "2001:db8:1::10";

  static List<NetworkInterface> interfaces() {
    return List.of(
        new NetworkInterface("lo", "loopback", true, List.of(ip("127.0.0.1/8"), ip("::1/128")), ""),
        new NetworkInterface("eth0", "ether", true, List.of(ip(HOST_V4 + "/24"), ip(HOST_V6 + "/64")), ""),
        new NetworkInterface("docker0", "bridge", true, List.of(ip("172.17.0.1/16")), ""),
        new NetworkInterface("veth1a2b3c", "veth", true, List.of(), "docker0"));
  }

  static List<Route> routes() {
    return List.of(
        new Route(IpFamily.V4, ip("0.0.0.0/0"), Optional.of(ip("192.0.2.1")), "eth0", "unicast"),
        new Route(IpFamily.V4, ip("192.0.2.0/24"), Optional.empty(), "eth0", "unicast"),
        new Route(IpFamily.V4, ip("172.17.0.0/16"), Optional.empty(), "docker0", "unicast"),
        new Route(IpFamily.V6, ip("::/0"), Optional.of(ip("2001:db8:1::1")), "eth0", "unicast"),
        new Route(IpFamily.V6, ip("2001:db8:1::/64"), Optional.empty(), "eth0", "unicast"));
  }

  static PublishedPort port(String hostIp, int hostPort, int containerPort, String containerIp) {
    return new PublishedPort(ip(hostIp), hostPort, containerPort, Transport.TCP, Optional.of(ip(containerIp)));
  }

  static Container container(String name, String address, PublishedPort... ports) {
    return new Container("id-" + name, name, "image/" + name, Map.of(), "bridge",
        List.of(new ContainerNetwork("bridge", Optional.of(ip(address)), Optional.empty(), Optional.of(ip("172.17.0.1")))),
        List.of(ports), List.of(), List.of());
  }

  static HostFacts host(Ruleset v4, Optional<Ruleset> v6, Container... containers) {
    return new HostFacts("lab", interfaces(), routes(), List.of(containers), v4, v6, Optional.empty(), Optional.empty(),
        List.of());
  }
}
