package dev.breakwater.hostconf;

import dev.breakwater.catalog.Severity;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the exposure-relevant keys of a {@code daemon.json} mean: {@code hosts} (the Docker API on
 * TCP), {@code iptables}, {@code ip} and {@code userland-proxy}. Each finding names the line of the
 * key (or of the {@code hosts} element) that decides it.
 */
public final class DaemonJsonChecks {
  public static final String API_TCP_OPEN = "docker-api-tcp-open";
  public static final String API_TCP_LOCAL = "docker-api-tcp-loopback";
  public static final String API_TCP_TLS = "docker-api-tcp-tlsverify";
  public static final String IPTABLES_OFF = "docker-iptables-disabled";
  public static final String DEFAULT_BIND = "docker-default-bind";
  public static final String USERLAND_PROXY_OFF = "docker-userland-proxy-disabled";

  private DaemonJsonChecks() {}

  public static List<HostConfigFinding> of(DaemonJsonKeys daemon) {
    List<HostConfigFinding> out = new ArrayList<>();
    hosts(daemon, out);
    daemon.key("iptables").filter(k -> k.bool().equals(Optional.of(false))).ifPresent(k -> out.add(iptablesOff(k)));
    daemon.key("ip").ifPresent(k -> defaultBind(k).ifPresent(out::add));
    daemon.key("userland-proxy").filter(k -> k.bool().equals(Optional.of(false))).ifPresent(k -> out.add(
        new HostConfigFinding(USERLAND_PROXY_OFF, Severity.INFO, k.place(),
            "\"userland-proxy\": false: no docker-proxy; connections from the host itself and hairpin traffic reach"
                + " published ports by DNAT alone, and Docker sets route_localnet=1 on its bridges so that 127.0.0.1"
                + " is routed to containers; a port with no DNAT rule in a family is not served in it",
            "")));
    return out;
  }

  private static void hosts(DaemonJsonKeys daemon, List<HostConfigFinding> out) {
    Optional<DaemonJsonKeys.Key> hosts = daemon.key("hosts");
    if (hosts.isEmpty()) {
      return;
    }
    // dockerd: --tlsverify implies --tls; --tls alone encrypts but accepts any client
    // (https://docs.docker.com/engine/security/protect-access/#use-tls-https-to-protect-the-docker-daemon-socket).
    boolean verify = daemon.key("tlsverify").flatMap(DaemonJsonKeys.Key::bool).orElse(false);
    boolean tls = verify || daemon.key("tls").flatMap(DaemonJsonKeys.Key::bool).orElse(false);
    DaemonJsonKeys.Key key = hosts.get();
    List<String> entries = key.strings();
    for (int i = 0; i < entries.size(); i++) {
      String host = entries.get(i).strip();
      ConfigPlace at = i < key.elementPlaces().size() ? key.elementPlaces().get(i) : key.place();
      tcpHost(host, tls).ifPresent(tcp -> out.add(apiFinding(host, tcp, tls, verify, at)));
    }
  }

  /** A {@code tcp://} listen address: its host (as written) and port. */
  record TcpHost(String host, int port, boolean loopback) {}

  /**
   * The TCP address in a {@code hosts} entry; empty for unix://, fd:// and other schemes. moby's
   * {@code opts.ParseDaemonHost} reads an entry without a scheme as tcp and fills a missing port
   * with 2375 (2376 with TLS).
   */
  static Optional<TcpHost> tcpHost(String entry, boolean tls) {
    String rest;
    int scheme = entry.indexOf("://");
    if (scheme < 0) {
      rest = entry;
    } else if (entry.substring(0, scheme).equalsIgnoreCase("tcp")) {
      rest = entry.substring(scheme + 3);
    } else {
      return Optional.empty();
    }
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      rest = rest.substring(0, slash);
    }
    String host = rest;
    int port = tls ? 2376 : 2375;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0 && (rest.indexOf(':') == colon || rest.startsWith("[") && colon > rest.indexOf(']'))) {
      host = rest.substring(0, colon);
      try {
        port = Integer.parseInt(rest.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = tls ? 2376 : 2375;
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return Optional.of(new TcpHost(host, port, loopback(host)));
  }

  /** Only a loopback literal or {@code localhost} counts: an empty host or another name may be every address. */
  private static boolean loopback(String host) {
    if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
      return true;
    }
    IPAddress address = host.isEmpty() ? null : new IPAddressString(host).getAddress();
    return address != null && address.isLoopback();
  }

  private static HostConfigFinding apiFinding(String entry, TcpHost tcp, boolean tls, boolean verify, ConfigPlace at) {
    String listen = "the Docker API on tcp " + (tcp.host().isEmpty() ? "(every address)" : tcp.host()) + ":" + tcp.port();
    if (verify) {
      return new HostConfigFinding(API_TCP_TLS, Severity.INFO, at,
          "\"hosts\" serves " + listen + " with TLS client verification (\"tlsverify\": true): only clients with a"
              + " certificate signed by tlscacert get in, and each of them is root on this host",
          "");
    }
    if (tcp.loopback()) {
      return new HostConfigFinding(API_TCP_LOCAL, Severity.INFO, at,
          "\"hosts\" serves " + listen + " without TLS client verification: every local user and process (and every"
              + " container with host networking) controls Docker, as the docker group does",
          "prefer the unix socket; remove \"" + entry + "\" if nothing needs it");
    }
    String how = tls ? " with TLS but without client verification (\"tls\": true, no \"tlsverify\": any client is accepted)"
        : " without TLS";
    return new HostConfigFinding(API_TCP_OPEN, Severity.CRITICAL, at,
        "\"hosts\" serves " + listen + how + ": whoever reaches port " + tcp.port() + " is root on this host"
            + " (docker run --privileged -v /:/host); the API is a host socket, so only INPUT rules (UFW's) limit it",
        "remove \"" + entry + "\" from \"hosts\" and reach the daemon over SSH (DOCKER_HOST=ssh://user@host), or set"
            + " \"tlsverify\": true with \"tlscacert\", \"tlscert\" and \"tlskey\" and use port 2376"
            + " (https://docs.docker.com/engine/security/protect-access/)");
  }

  private static HostConfigFinding iptablesOff(DaemonJsonKeys.Key key) {
    // moby: with iptables=false the bridge driver writes no nat/filter rules; the port mapper still
    // starts docker-proxy, a host socket, for each published port.
    return new HostConfigFinding(IPTABLES_OFF, Severity.MEDIUM, key.place(),
        "\"iptables\": false: Docker writes no NAT or FORWARD rules. That closes the UFW bypass (published ports are"
            + " served by docker-proxy through INPUT, so UFW's INPUT rules do apply to them) but breaks containers'"
            + " outbound NAT (no MASQUERADE: their traffic leaves with 172.x sources and gets no replies), the DNAT"
            + " of published ports (containers see docker-proxy's address, not the client's) and the isolation"
            + " between networks; with ip_forward=1 and a FORWARD policy of ACCEPT, a neighbour that routes to a"
            + " container's address reaches every port of it",
        "remove \"iptables\": false and filter in DOCKER-USER instead (breakwater plan), or bind published ports"
            + " to 127.0.0.1 (\"ip\": \"127.0.0.1\")");
  }

  private static Optional<HostConfigFinding> defaultBind(DaemonJsonKeys.Key key) {
    Optional<IPAddress> address = key.address();
    if (address.isEmpty() || address.get().isAnyLocal()) {
      return Optional.empty();
    }
    String ip = address.get().withoutPrefixLength().toCanonicalString();
    if (address.get().isLoopback()) {
      return Optional.of(new HostConfigFinding(DEFAULT_BIND, Severity.INFO, key.place(),
          "\"ip\": \"" + ip + "\": ports published without an address bind to loopback, the safe default; a port"
              + " published with an explicit 0.0.0.0 or host address is still public", ""));
    }
    return Optional.of(new HostConfigFinding(DEFAULT_BIND, Severity.INFO, key.place(),
        "\"ip\": \"" + ip + "\": ports published without an address bind to " + ip
            + " and are reachable by whoever reaches that address", ""));
  }
}
