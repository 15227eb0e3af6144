package dev.breakwater.snapshot;

import dev.breakwater.host.Container;
import dev.breakwater.host.PublishedPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerInspectReaderTest {
  private static final String MYSQL = """
      [
        {
          "Id": "4f1c2a9e8b7d",
          "Name": "/db",
          "State": {"Status": "running", "Running": true},
          "Config": {
            "Image": "mysql:8.0",
            "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.service": "db"},
            "Env": ["MYSQL_ROOT_PASSWORD=secret", "PATH=/usr/bin"],
            "Cmd": ["mysqld"]
          },
          "HostConfig": {
            "NetworkMode": "shop_default",
            "PortBindings": {"3306/tcp": [{"HostIp": "", "HostPort": "3306"}]}
          },
          "NetworkSettings": {
            "Ports": {
              "3306/tcp": [{"HostIp": "0.0.0.0", "HostPort": "3306"}, {"HostIp": "::", "HostPort": "3306"}],
              "33060/tcp": null
            },
            "Networks": {
              "shop_default": {
                "IPAddress": "172.18.0.2", "Gateway": "172.18.0.1",
                "GlobalIPv6Address": "fd00:18::2"
              }
            }
          }
        }
      ]
      """;

  private static IPAddress ip(String text) {
    return new IPAddressString(text).getAddress();
  }

  @Test
  void readsIdentityLabelsEnvAndCommand() {
    Container c = DockerInspectReader.read(MYSQL, "d.json").getFirst();

    assertThat(c.id()).isEqualTo("4f1c2a9e8b7d");
    assertThat(c.name()).isEqualTo("db");
    assertThat(c.image()).isEqualTo("mysql:8.0");
    assertThat(c.composeProject()).isEqualTo("shop");
    assertThat(c.composeService()).isEqualTo("db");
    assertThat(c.env()).containsExactly("MYSQL_ROOT_PASSWORD=secret", "PATH=/usr/bin");
    assertThat(c.command()).containsExactly("mysqld");
    assertThat(c.networkMode()).isEqualTo("shop_default");
    assertThat(c.networks()).singleElement().satisfies(n -> {
      assertThat(n.name()).isEqualTo("shop_default");
      assertThat(n.ipv4()).contains(ip("172.18.0.2"));
      assertThat(n.ipv6()).contains(ip("fd00:18::2"));
      assertThat(n.gateway()).contains(ip("172.18.0.1"));
    });
  }

  @Test
  void onePublishedPortPerBindingWithTheContainerAddressOfItsFamily() {
    List<PublishedPort> ports = DockerInspectReader.read(MYSQL, "d.json").getFirst().ports();

    assertThat(ports).containsExactly(
        new PublishedPort(ip("0.0.0.0"), 3306, 3306, Transport.TCP, java.util.Optional.of(ip("172.18.0.2"))),
        new PublishedPort(ip("::"), 3306, 3306, Transport.TCP, java.util.Optional.of(ip("fd00:18::2"))));
    assertThat(ports).allMatch(PublishedPort::boundToAll);
  }

  @Test
  void remappedLoopbackAndUdpBindings() {
    String json = """
        [{"Id": "a1", "Name": "/web", "Config": {"Image": "nginx"}, "HostConfig": {"NetworkMode": "bridge"},
          "NetworkSettings": {
            "Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "3306"}],
                      "6379/tcp": [{"HostIp": "127.0.0.1", "HostPort": "6379"}],
                      "53/udp": [{"HostIp": "0.0.0.0", "HostPort": "5353"}]},
            "Networks": {"bridge": {"IPAddress": "172.17.0.3", "Gateway": "172.17.0.1", "GlobalIPv6Address": ""}}}}]
        """;
    List<PublishedPort> ports = DockerInspectReader.read(json, "d.json").getFirst().ports();

    assertThat(ports).extracting(PublishedPort::hostPort, PublishedPort::containerPort, PublishedPort::protocol)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(3306, 80, Transport.TCP),
            org.assertj.core.groups.Tuple.tuple(6379, 6379, Transport.TCP),
            org.assertj.core.groups.Tuple.tuple(5353, 53, Transport.UDP));
    assertThat(ports.get(1).boundToAll()).isFalse();
    assertThat(ports.get(1).hostIp()).isEqualTo(ip("127.0.0.1"));
  }

  @Test
  void ipv6BindingWithoutAContainerIpv6AddressGoesToTheIpv4AddressThroughDockerProxy() {
    String json = """
        [{"Id": "a1", "Name": "/web", "Config": {}, "HostConfig": {"NetworkMode": "bridge"},
          "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "::", "HostPort": "8080"}]},
            "Networks": {"bridge": {"IPAddress": "172.17.0.3", "GlobalIPv6Address": ""}}}}]
        """;
    PublishedPort port = DockerInspectReader.read(json, "d.json").getFirst().ports().getFirst();

    assertThat(port.containerIp()).contains(ip("172.17.0.3"));
  }

  @Test
  void stoppedContainerFallsBackToPortBindingsAndSkipsUnchosenPorts() {
    String json = """
        [{"Id": "s1", "Name": "/stopped", "Config": {"Image": "redis", "Labels": null, "Env": null, "Cmd": null},
          "HostConfig": {"NetworkMode": "bridge",
            "PortBindings": {"6379/tcp": [{"HostIp": "", "HostPort": "6379"}], "9000/tcp": [{"HostIp": "", "HostPort": ""}]}},
          "NetworkSettings": {"Ports": {}, "Networks": {"bridge": {"IPAddress": ""}}}}]
        """;
    Container c = DockerInspectReader.read(json, "d.json").getFirst();

    assertThat(c.labels()).isEmpty();
    assertThat(c.env()).isEmpty();
    assertThat(c.ports()).extracting(p -> p.hostIp().toCanonicalString(), PublishedPort::hostPort)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("0.0.0.0", 6379),
            org.assertj.core.groups.Tuple.tuple("::", 6379));
    assertThat(c.ports()).allMatch(p -> p.containerIp().isEmpty());
  }

  @Test
  void hostNetworkContainerHasNoPortsAndNoAddress() {
    String json = """
        [{"Id": "h1", "Name": "/monitor", "Config": {"Image": "prom/node-exporter"},
          "HostConfig": {"NetworkMode": "host"},
          "NetworkSettings": {"Ports": {}, "Networks": {"host": {"IPAddress": "", "Gateway": ""}}}}]
        """;
    Container c = DockerInspectReader.read(json, "d.json").getFirst();

    assertThat(c.hostNetwork()).isTrue();
    assertThat(c.ports()).isEmpty();
    assertThat(c.networks()).singleElement().satisfies(n -> assertThat(n.ipv4()).isEmpty());
  }

  @Test
  void noContainersIsAnEmptyArrayOrAnEmptyFile() {
    assertThat(DockerInspectReader.read("[]\n", "d.json")).isEmpty();
    assertThat(DockerInspectReader.read("", "d.json")).isEmpty();
  }

  @Test
  void malformedJsonIsReportedAtItsLineAndColumn() {
    String broken = "[\n  {\"Id\": \"x\",\n    \"Name\" \"/db\"}\n]";

    assertThatThrownBy(() -> DockerInspectReader.read(broken, "snap/docker-inspect.json"))
        .isInstanceOf(SnapshotFileException.class)
        .isInstanceOf(dev.breakwater.problem.InputProblem.class)
        .hasMessageStartingWith("snap/docker-inspect.json:3:12: expected valid JSON (the output of docker inspect)");
  }

  @Test
  void valueOfTheWrongTypeIsReportedAtItsLineAndColumn() {
    String wrong = "[\n  {\"Id\": \"x\", \"Config\": {\n    \"Env\": \"A=1\"}}\n]";

    assertThatThrownBy(() -> DockerInspectReader.read(wrong, "d.json"))
        .isInstanceOf(SnapshotFileException.class)
        .hasMessage("d.json:3:12: expected an array of strings (at /0/Config/Env)");
  }

  @Test
  void notAnArrayAndBadPortsAreRejected() {
    assertThatThrownBy(() -> DockerInspectReader.read("{\"Id\": \"x\"}", "d.json"))
        .hasMessageStartingWith("d.json:1:1: expected an array of containers");
    String badPort = """
        [{"Id": "x", "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "http"}]}}}]
        """;
    assertThatThrownBy(() -> DockerInspectReader.read(badPort, "d.json"))
        .hasMessageContaining("expected a host port number, found 'http'")
        .hasMessageStartingWith("d.json:1:");
    String badAddress = """
        [{"Id": "x", "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.300"}}}}]
        """;
    assertThatThrownBy(() -> DockerInspectReader.read(badAddress, "d.json"))
        .hasMessageContaining("expected an IP address, found '172.17.0.300'");
  }

  @Test
  void podmanInspectReadsLikeDockersWithItsRuntime() throws Exception {
    String text = java.nio.file.Files.readString(
        java.nio.file.Path.of(DockerInspectReaderTest.class.getResource("/podman/podman-inspect.json").toURI()));

    List<Container> containers = DockerInspectReader.read(text, "podman-inspect.json", dev.breakwater.host.ContainerRuntime.PODMAN);

    assertThat(containers).extracting(Container::name).containsExactly("web", "cache");
    assertThat(containers).allMatch(c -> c.runtime() == dev.breakwater.host.ContainerRuntime.PODMAN);
    Container web = containers.getFirst();
    assertThat(web.image()).isEqualTo("docker.io/library/nginx:latest");
    assertThat(web.networkMode()).isEqualTo("bridge");
    // "-p 8080:80" reads "HostIp": "" in podman; the container has no IPv6 address, so only IPv4.
    assertThat(web.ports()).containsExactly(new PublishedPort(
        ip("0.0.0.0"), 8080, 80, Transport.TCP, java.util.Optional.of(ip("10.88.0.2"))));
    assertThat(containers.get(1).ports()).singleElement()
        .satisfies(p -> assertThat(p.hostIp()).isEqualTo(ip("127.0.0.1")))
        .satisfies(p -> assertThat(p.containerIp()).contains(ip("10.88.0.3")));
  }

  @Test
  void podmansEmptyHostIpCoversIpv6WhenTheContainerHasIt() {
    String text = """
        [{"Id": "ab12", "Name": "web", "HostConfig": {"NetworkMode": "bridge"},
          "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]},
            "Networks": {"podman6": {"IPAddress": "10.89.0.2", "GlobalIPv6Address": "fd00:89::2"}}}}]
        """;

    List<Container> containers = DockerInspectReader.read(text, "p", dev.breakwater.host.ContainerRuntime.PODMAN);

    assertThat(containers.getFirst().ports()).extracting(PublishedPort::hostIp).containsExactly(ip("0.0.0.0"), ip("::"));
    assertThat(containers.getFirst().ports().get(1).containerIp()).contains(ip("fd00:89::2"));
  }

  @Test
  void aPodmanInspectOfTheWrongShapeNamesItsFile() {
    assertThatThrownBy(() -> DockerInspectReader.read("[{\"Name\": \"web\"}]", "snap/podman-inspect.json",
        dev.breakwater.host.ContainerRuntime.PODMAN))
        .isInstanceOf(dev.breakwater.problem.InputProblem.class)
        .hasMessageStartingWith("snap/podman-inspect.json:1:2: expected the container's \"Id\"");
    assertThatThrownBy(() -> DockerInspectReader.read("Error: no such container\n", "snap/podman-inspect.json",
        dev.breakwater.host.ContainerRuntime.PODMAN))
        .hasMessageStartingWith("snap/podman-inspect.json:1:1: expected valid JSON (the output of podman inspect)");
  }
}
