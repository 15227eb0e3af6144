package dev.breakwater.host;

import java.util.ArrayList;
import java.util.List;

/**
 * The daemon.json setting {@code ip6tables}, said as a note for the user. {@code iptables},
 * {@code ip}, {@code userland-proxy} and {@code hosts} are findings and notes with their line
 * ({@code hostconf.DaemonJsonChecks}), said by the audit.
 */
public final class DaemonNotes {
  private DaemonNotes() {}

  public static List<String> of(DaemonConfig config) {
    List<String> notes = new ArrayList<>();
    if (!config.ip6tables().orElse(true)) {
      notes.add("daemon.json sets \"ip6tables\": false: IPv6 published ports are served by docker-proxy"
          + " through INPUT, not by ip6tables DNAT");
    }
    return notes;
  }
}
