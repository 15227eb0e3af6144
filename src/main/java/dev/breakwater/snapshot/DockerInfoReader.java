package dev.breakwater.snapshot;

import java.util.Optional;

/**
 * Reads {@code docker info --format '{{json .}}'} (or the daemon's {@code GET /info}) for the
 * one fact the rules do not show: which firewall backend the daemon writes with.
 *
 * <p>{@code FirewallBackend} exists from Engine API 1.49 (Docker 28.1); older daemons, and a
 * client that negotiated an older API, leave it out, and the backend is then not known.
 */
final class DockerInfoReader {
  private DockerInfoReader() {}

  /**
   * {@code FirewallBackend.Driver}: {@code iptables}, {@code nftables}, {@code iptables+firewalld}
   * or {@code nftables+firewalld}; empty when absent (or the file is empty: docker info failed).
   *
   * @throws SnapshotFileException for text that is not one JSON object, or a Driver that is not a string
   */
  static Optional<String> firewallDriver(String text, String source) {
    if (text.isBlank()) {
      return Optional.empty();
    }
    JsonDocument document = JsonDocument.parse(text, source, "docker info --format '{{json .}}'");
    if (document.roots().size() != 1 || !document.roots().getFirst().node().isObject()) {
      throw document.roots().getLast().problem("expected one JSON object, as docker info --format '{{json .}}' prints");
    }
    JsonValue backend = document.roots().getFirst().get("FirewallBackend");
    if (backend.present() && !backend.node().isObject()) {
      throw backend.problem("expected an object with \"Driver\"");
    }
    return backend.get("Driver").string().filter(driver -> !driver.isBlank());
  }
}
