package dev.breakwater.host;

/** Which engine runs a container: its published ports are read from that engine's inspect output. */
public enum ContainerRuntime {
  DOCKER("docker"),
  PODMAN("podman");

  private final String label;

  ContainerRuntime(String label) {
    this.label = label;
  }

  /** {@code docker} or {@code podman}, as the output says it. */
  public String label() {
    return label;
  }
}
