package dev.breakwater.snapshot;

import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerNetwork;
import dev.breakwater.host.ContainerRuntime;
import dev.breakwater.host.PublishedPort;

import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code docker inspect $(docker ps -q)} output: a JSON array of container objects.
 *
 * <p>Published ports come from {@code NetworkSettings.Ports} ({@code {"3306/tcp":
 * [{"HostIp":"0.0.0.0","HostPort":"3306"}], "80/tcp": null}}, where {@code null} means exposed
 * but not published). A stopped container has an empty {@code NetworkSettings.Ports}; its intent
 * is then read from {@code HostConfig.PortBindings}, skipping bindings whose host port Docker has
 * not chosen yet ({@code "HostPort": ""}).
 *
 * <p>{@code podman inspect} prints the same shape (podman's {@code InspectContainerData} copies
 * Docker's field names), so the same reader reads it; only an empty {@code HostIp} means less
 * there (see {@link #bindings}).
 */
public final class DockerInspectReader {
  private static final IPAddress ALL_V4 = new IPAddressString("0.0.0.0").getAddress();
  private static final IPAddress ALL_V6 = new IPAddressString("::").getAddress();

  private DockerInspectReader() {}

  /**
   * @param source the file name for messages ({@code snap/docker-inspect.json})
   * @throws SnapshotFileException for text that is not {@code docker inspect} output
   */
  public static List<Container> read(String text, String source) {
    return read(text, source, ContainerRuntime.DOCKER);
  }

  /** {@link #read(String, String)} for the output of {@code runtime}'s inspect. */
  static List<Container> read(String text, String source, ContainerRuntime runtime) {
    // "docker inspect $(docker ps -q)" with no container running prints nothing at all.
    if (text.isBlank()) {
      return List.of();
    }
    JsonDocument document = JsonDocument.parse(text, source, runtime.label() + " inspect");
    List<Container> containers = new ArrayList<>();
    for (JsonValue root : document.roots()) {
      if (!root.node().isArray()) {
        throw root.problem("expected an array of containers, as docker inspect prints");
      }
      for (JsonValue container : root.elements("an array of containers")) {
        containers.add(container(container, runtime));
      }
    }
    return containers;
  }

  private static Container container(JsonValue json, ContainerRuntime runtime) {
    if (!json.node().isObject()) {
      throw json.problem("expected a container object with Id, Name, Config, HostConfig, NetworkSettings");
    }
    String id = json.get("Id").string().orElseThrow(() -> json.problem("expected the container's \"Id\""));
    String name = json.get("Name").string("").replaceFirst("^/", "");
    JsonValue config = json.get("Config");
    String image = config.get("Image").string("");
    Map<String, String> labels = new LinkedHashMap<>();
    config.get("Labels").properties("an object of labels").forEach((k, v) -> labels.put(k, v.string("")));
    List<String> env = config.get("Env").strings();
    List<String> command = config.get("Cmd").strings();
    String networkMode = json.get("HostConfig").get("NetworkMode").string("default");

    List<ContainerNetwork> networks = new ArrayList<>();
    json.get("NetworkSettings").get("Networks").properties("an object of networks")
        .forEach((networkName, network) -> networks.add(network(networkName, network)));

    JsonValue ports = json.get("NetworkSettings").get("Ports");
    if (ports.properties("an object of ports").isEmpty()) {
      ports = json.get("HostConfig").get("PortBindings");
    }
    List<PublishedPort> published = new ArrayList<>();
    for (Map.Entry<String, JsonValue> port : ports.properties("an object of ports").entrySet()) {
      published.addAll(bindings(port.getKey(), port.getValue(), networkMode, networks, runtime));
    }
    return new Container(id, name, image, labels, networkMode, networks, published, env, command, runtime);
  }

  private static ContainerNetwork network(String name, JsonValue json) {
    return new ContainerNetwork(
        name,
        json.get("IPAddress").address(),
        json.get("GlobalIPv6Address").address(),
        json.get("Gateway").address());
  }

  private static List<PublishedPort> bindings(
      String key, JsonValue list, String networkMode, List<ContainerNetwork> networks, ContainerRuntime runtime) {
    // Keys read "3306/tcp"; Docker always writes the protocol, but "3306" alone means tcp.
    String[] parts = key.split("/", 2);
    int containerPort = portNumber(parts[0], list, "a container port such as \"3306/tcp\"");
    Transport protocol = parts.length == 1
        ? Transport.TCP
        : Transport.tryParse(parts[1]).orElseThrow(
            () -> list.problem("expected tcp, udp or sctp after the port in \"" + key + "\""));
    List<PublishedPort> out = new ArrayList<>();
    for (JsonValue binding : list.elements("an array of {\"HostIp\", \"HostPort\"} bindings")) {
      String hostPortText = binding.get("HostPort").string("");
      if (hostPortText.isEmpty()) {
        continue; // not chosen yet: a stopped container's "-p 3306" (random port)
      }
      int hostPort = portNumber(hostPortText, binding.get("HostPort"), "a host port number");
      String hostIpText = binding.get("HostIp").string("");
      List<IPAddress> hostIps;
      if (hostIpText.isEmpty() && runtime == ContainerRuntime.PODMAN) {
        // Podman writes "" for "-p 8080:80" even when running. netavark DNATs each family the
        // container has an address in, and has no docker-proxy to carry IPv6 to an IPv4-only
        // container: it forwards a port to the container addresses the network gave it.
        boolean ipv6 = networks.stream().anyMatch(n -> n.ipv6().isPresent());
        hostIps = ipv6 ? List.of(ALL_V4, ALL_V6) : List.of(ALL_V4);
      } else if (hostIpText.isEmpty()) {
        // PortBindings with no HostIp: Docker binds both families' wildcard addresses.
        hostIps = List.of(ALL_V4, ALL_V6);
      } else {
        hostIps = List.of(binding.get("HostIp").address().orElseThrow());
      }
      for (IPAddress hostIp : hostIps) {
        out.add(new PublishedPort(
            hostIp, hostPort, containerPort, protocol, containerAddress(hostIp, networkMode, networks)));
      }
    }
    return out;
  }

  /**
   * The address Docker forwards to: on the container's own network (the one named by its network
   * mode, else the first), of the binding's family. With no IPv6 address on the container an
   * IPv6 binding is served by docker-proxy, which connects to the IPv4 address: that one is given.
   */
  private static Optional<IPAddress> containerAddress(
      IPAddress hostIp, String networkMode, List<ContainerNetwork> networks) {
    List<ContainerNetwork> ordered = new ArrayList<>();
    networks.stream().filter(n -> n.name().equals(networkMode)).forEach(ordered::add);
    networks.stream().filter(n -> !n.name().equals(networkMode)).forEach(ordered::add);
    for (ContainerNetwork network : ordered) {
      Optional<IPAddress> address = hostIp.isIPv6() ? network.ipv6() : network.ipv4();
      if (address.isPresent()) {
        return address;
      }
    }
    return ordered.stream().map(ContainerNetwork::ipv4).flatMap(Optional::stream).findFirst();
  }

  private static int portNumber(String text, JsonValue where, String expected) {
    try {
      int port = Integer.parseInt(text.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw where.problem("expected " + expected + ", found '" + text + "'");
  }
}
