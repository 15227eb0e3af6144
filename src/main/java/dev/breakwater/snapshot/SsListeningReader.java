package dev.breakwater.snapshot;

import dev.breakwater.host.HostListener;
import dev.breakwater.host.HostListener.ListenerProcess;
import dev.breakwater.net.AddressInput;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code ss -Htulnp}: one listening TCP or unconnected UDP socket a line.
 *
 * <pre>
 * tcp LISTEN 0 128    0.0.0.0:22        0.0.0.0:* users:(("sshd",pid=812,fd=3))
 * udp UNCONN 0 0  127.0.0.53%lo:53      0.0.0.0:* users:(("systemd-resolve",pid=640,fd=13))
 * tcp LISTEN 0 4096         *:8080            *:* users:(("java",pid=9,fd=7),("java",pid=8,fd=7))
 * tcp LISTEN 0 5   [fe80::1]%eth0:8443     [::]:*
 * </pre>
 *
 * <p>Columns are Netid, State, Recv-Q, Send-Q, Local and Peer, then the process column when ss
 * could see the socket's owner (iproute2's misc/ss.c prints {@code users:(("comm",pid=N,fd=N),...)};
 * a comm may hold spaces, so that column is read as a whole, never split). The local column is
 * {@code addr:port}: {@code *} for a dual-stack socket, IPv6 in brackets, and {@code %dev} after
 * the address when the socket is bound to a device.
 */
public final class SsListeningReader {
  static final String PRODUCED_BY = "ss -Htulnp";

  // Netid State Recv-Q Send-Q Local Peer [process]; whitespace-separated, the rest kept whole.
  private static final Pattern LINE = Pattern.compile(
      "(?<netid>\\S+)\\s+(?<state>\\S+)\\s+(?<recvq>\\d+)\\s+(?<sendq>\\d+)\\s+(?<local>\\S+)\\s+(?<peer>\\S+)(?:\\s+(?<rest>.*?))?\\s*");
  private static final Pattern LOCAL = Pattern.compile(
      "(?<addr>\\*|\\[[0-9A-Fa-f:.]+\\]|[0-9.]+)(?:%(?<dev>[^\\s/:%]{1,15}))?:(?<port>\\d{1,5})");
  private static final Pattern PROCESS = Pattern.compile("\\(\"(?<name>.*?)\",pid=(?<pid>\\d+),fd=\\d+\\)");
  private static final Pattern USERS = Pattern.compile("users:\\((?<list>.*)\\)");

  private SsListeningReader() {}

  /** @throws SnapshotFileException with {@code source:line:col: what was expected} */
  public static List<HostListener> read(String text, String source) {
    List<HostListener> listeners = new ArrayList<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        listeners.add(line(lines[i], i + 1, source));
      }
    }
    return listeners;
  }

  private static HostListener line(String line, int number, String source) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      throw new SnapshotFileException(source, number, 1,
          "expected a socket line \"Netid State Recv-Q Send-Q Local:Port Peer:Port [users:(...)]\", as " + PRODUCED_BY
              + " prints, found '" + line.strip() + "'");
    }
    Transport protocol = switch (m.group("netid")) {
      case "tcp" -> Transport.TCP;
      case "udp" -> Transport.UDP;
      default -> throw new SnapshotFileException(source, number, m.start("netid") + 1,
          "expected netid tcp or udp (" + PRODUCED_BY + " lists only those), found '" + m.group("netid") + "'");
    };
    String expectedState = protocol == Transport.TCP ? "LISTEN" : "UNCONN";
    if (!m.group("state").equals(expectedState)) {
      throw new SnapshotFileException(source, number, m.start("state") + 1,
          "expected state " + expectedState + " for " + protocol.label() + " (" + PRODUCED_BY
              + " lists listening sockets only), found '" + m.group("state") + "'");
    }
    Matcher local = LOCAL.matcher(m.group("local"));
    int localColumn = m.start("local") + 1;
    if (!local.matches()) {
      throw new SnapshotFileException(source, number, localColumn,
          "expected the local address and port (0.0.0.0:22, [::]:22, *:22, 127.0.0.53%lo:53), found '" + m.group("local") + "'");
    }
    int port = Integer.parseInt(local.group("port"));
    if (port > 65535) {
      throw new SnapshotFileException(source, number, localColumn + local.start("port"),
          "expected a port in 0..65535, found " + port);
    }
    String written = local.group("addr");
    boolean dualStack = written.equals("*");
    IPAddress address;
    try {
      address = AddressInput.address(dualStack ? "::" : written.startsWith("[") ? written.substring(1, written.length() - 1) : written);
    } catch (IllegalArgumentException e) {
      throw new SnapshotFileException(source, number, localColumn, e.getMessage());
    }
    if (!dualStack && written.startsWith("[") != address.isIPv6()) {
      throw new SnapshotFileException(source, number, localColumn,
          "expected an IPv6 address in brackets and an IPv4 address without, found '" + written + "'");
    }
    List<ListenerProcess> processes = m.group("rest") == null || m.group("rest").isEmpty()
        ? List.of()
        : processes(m.group("rest"), number, m.start("rest") + 1, source);
    return new HostListener(protocol, address, dualStack, Optional.ofNullable(local.group("dev")), port, processes);
  }

  private static List<ListenerProcess> processes(String column, int number, int column0, String source) {
    Matcher users = USERS.matcher(column);
    if (!users.matches()) {
      throw new SnapshotFileException(source, number, column0,
          "expected the process column users:((\"name\",pid=N,fd=N),...), as " + PRODUCED_BY + " prints, found '" + column + "'");
    }
    List<ListenerProcess> out = new ArrayList<>();
    String list = users.group("list");
    Matcher p = PROCESS.matcher(list);
    int at = 0;
    while (at < list.length()) {
      if (!p.region(at, list.length()).lookingAt()) {
        throw new SnapshotFileException(source, number, column0 + "users:(".length() + at,
            "expected (\"name\",pid=N,fd=N) in the process column, found '" + list.substring(at) + "'");
      }
      try {
        out.add(new ListenerProcess(p.group("name"), Integer.parseInt(p.group("pid"))));
      } catch (NumberFormatException e) {
        throw new SnapshotFileException(source, number, column0 + "users:(".length() + p.start("pid"),
            "expected a process id, found '" + p.group("pid") + "'");
      }
      at = p.end();
      if (at < list.length() && list.charAt(at) == ',') {
        at++;
      }
    }
    return out;
  }
}
