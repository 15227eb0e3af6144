package dev.breakwater.host;

import java.util.ArrayList;
import java.util.List;

/** The daemon.json settings that change what the rules mean, said as notes for the user. */
public final class DaemonNotes {
  private DaemonNotes() {}

  public static List<String> of(DaemonConfig config) {
    List<String> notes = new ArrayList<>();
    if (!config.iptables()) {
      // Without its rules Docker publishes through docker-proxy alone, which listens on the host:
      // the connection then goes through INPUT, where UFW does see it.
      notes.add("daemon.json sets \"iptables\": false: Docker writes no NAT or FORWARD rules; published"
          + " ports are served by docker-proxy through INPUT, and containers may lack outbound NAT");
    }
    if (!config.ip6tables().orElse(true)) {
      notes.add("daemon.json sets \"ip6tables\": false: IPv6 published ports are served by docker-proxy"
          + " through INPUT, not by ip6tables DNAT");
    }
    if (!config.userlandProxy()) {
      notes.add("daemon.json sets \"userland-proxy\": false: a port with no DNAT rule for a family is not served in it");
    }
    config.defaultBindIp().ifPresent(ip -> notes.add(
        "daemon.json sets \"ip\": \"" + ip + "\": ports published without an address bind to it"));
    return notes;
  }
}
