package dev.breakwater.lab;

import java.util.List;
import java.util.Optional;

/** What of the lab is up: namespaces, daemon, containers (name and ports), UFW's own words. */
public record LabStatus(
    boolean hostNamespace,
    boolean attackerNamespace,
    Optional<String> scenario,
    boolean dockerdRunning,
    boolean dockerAnswers,
    List<String> containers,
    String ufwStatus) {

  public LabStatus {
    containers = List.copyOf(containers);
  }

  public boolean anythingUp() {
    return hostNamespace || attackerNamespace || dockerdRunning || dockerAnswers;
  }
}
