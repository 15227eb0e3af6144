package dev.breakwater.compose;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container as declared: a Compose service (after merging override files) or one {@code
 * docker run} line. {@code anchor} is where the declaration starts, for findings about the
 * service as a whole.
 */
public record Service(
    String name,
    Scalar anchor,
    Optional<Scalar> image,
    List<PortEntry> ports,
    List<Scalar> expose,
    Optional<Scalar> networkMode,
    Map<String, Scalar> environment,
    List<Scalar> command,
    List<Scalar> volumes,
    Optional<Scalar> privileged,
    Optional<Scalar> publishAll,
    List<String> networks,
    Optional<String> defaultHostIp,
    List<ReadingNote> notes) {

  public Service {
    ports = List.copyOf(ports);
    expose = List.copyOf(expose);
    environment = Map.copyOf(environment);
    command = List.copyOf(command);
    volumes = List.copyOf(volumes);
    networks = List.copyOf(networks);
    notes = List.copyOf(notes);
  }

  public String imageName() {
    return image.map(Scalar::value).orElse("");
  }

  public boolean hostNetwork() {
    return networkMode.map(m -> m.value().trim().equals("host")).orElse(false);
  }

  public boolean isPrivileged() {
    return privileged.map(p -> p.value().trim().equalsIgnoreCase("true")).orElse(false);
  }

  /** The command line as one string, for flags such as redis' {@code --requirepass}. */
  public String commandLine() {
    StringBuilder b = new StringBuilder();
    for (Scalar s : command) {
      b.append(s.value()).append(' ');
    }
    return b.toString();
  }

  Service withDefaultHostIp(Optional<String> ip) {
    return new Service(name, anchor, image, ports, expose, networkMode, environment, command,
        volumes, privileged, publishAll, networks, ip, notes);
  }
}
