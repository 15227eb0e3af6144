package dev.breakwater.host;

import java.util.List;
import java.util.Map;

/**
 * A running container, from {@code docker inspect} (or {@code podman inspect}, whose
 * {@code NetworkSettings.Ports} has the same shape).
 *
 * @param networkMode {@code HostConfig.NetworkMode}: {@code bridge}, {@code host}, a network name, ...
 * @param env the environment as {@code KEY=value} strings (used to judge data-store authentication)
 * @param composeProject from the {@code com.docker.compose.project} label, empty when absent
 * @param composeService from the {@code com.docker.compose.service} label, empty when absent
 * @param runtime the engine that runs it
 */
public record Container(
    String id,
    String name,
    String image,
    Map<String, String> labels,
    String networkMode,
    List<ContainerNetwork> networks,
    List<PublishedPort> ports,
    List<String> env,
    List<String> command,
    ContainerRuntime runtime) {

  public Container {
    labels = Map.copyOf(labels);
    networks = List.copyOf(networks);
    ports = List.copyOf(ports);
    env = List.copyOf(env);
    command = List.copyOf(command);
  }

  /** A Docker container. */
  public Container(String id, String name, String image, Map<String, String> labels, String networkMode,
      List<ContainerNetwork> networks, List<PublishedPort> ports, List<String> env, List<String> command) {
    this(id, name, image, labels, networkMode, networks, ports, env, command, ContainerRuntime.DOCKER);
  }

  public String composeProject() {
    return labels.getOrDefault("com.docker.compose.project", "");
  }

  public String composeService() {
    return labels.getOrDefault("com.docker.compose.service", "");
  }

  public boolean hostNetwork() {
    return networkMode.equals("host");
  }
}
