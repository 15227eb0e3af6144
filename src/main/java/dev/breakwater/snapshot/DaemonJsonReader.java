package dev.breakwater.snapshot;

import dev.breakwater.host.DaemonConfig;

import java.util.Optional;

/**
 * Reads the exposure-relevant keys of {@code /etc/docker/daemon.json}: {@code ip}, {@code
 * iptables}, {@code ip6tables} and {@code userland-proxy}. Other keys are ignored; keys absent
 * take Docker's defaults ({@link DaemonConfig#DEFAULTS}).
 */
public final class DaemonJsonReader {
  private DaemonJsonReader() {}

  public static DaemonConfig read(String text, String source) {
    // An empty daemon.json is common (created by packages) and dockerd treats it as "{}".
    if (text.isBlank()) {
      return DaemonConfig.DEFAULTS;
    }
    JsonDocument document = JsonDocument.parse(text, source, "a daemon.json for dockerd");
    if (document.roots().size() != 1 || !document.roots().getFirst().node().isObject()) {
      throw document.roots().getLast().problem("expected one JSON object, as dockerd reads");
    }
    JsonValue config = document.roots().getFirst();
    Optional<String> ip = config.get("ip").address().map(a -> a.withoutPrefixLength().toCanonicalString());
    return new DaemonConfig(
        ip,
        config.get("iptables").bool().orElse(DaemonConfig.DEFAULTS.iptables()),
        config.get("ip6tables").bool(),
        config.get("userland-proxy").bool().orElse(DaemonConfig.DEFAULTS.userlandProxy()));
  }
}
