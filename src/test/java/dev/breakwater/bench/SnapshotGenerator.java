package dev.breakwater.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a synthetic but realistic snapshot directory: a Docker 28 layout with {@code ports}
 * published ports on containers behind docker0, UFW's chains, and DOCKER-USER / ufw-user-input
 * rules by source network up to {@code rules} rules in all.
 *
 * <p>Usage: {@code SnapshotGenerator DIR RULES PORTS [SEED]}. Used by {@code bench/audit-scale.sh}.
 */
public final class SnapshotGenerator {
  private SnapshotGenerator() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int rules = Integer.parseInt(args[1]);
    int ports = Integer.parseInt(args[2]);
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
    write(dir, rules, ports, seed);
  }

  public static void write(Path dir, int rules, int ports, long seed) throws IOException {
    write(dir, rules, ports, seed, Drift.NONE);
  }

  /**
   * How one host of a role differs from the role as the playbook wrote it.
   *
   * @param containerShift container addresses start this many later on docker0 (containers were
   *     restarted in another order, or a stopped one still holds an address)
   * @param eth0 the host's address on eth0 (its site's network), {@code 198.51.100.10} by default
   * @param handAllows sources someone allowed by hand in DOCKER-USER, each to the first port
   */
  public record Drift(int containerShift, String eth0, java.util.List<String> handAllows) {
    public static final Drift NONE = new Drift(0, "198.51.100.10", java.util.List.of());
  }

  public static void write(Path dir, int rules, int ports, long seed, Drift drift) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(seed);
    StringBuilder filter = new StringBuilder();
    StringBuilder nat = new StringBuilder();
    StringBuilder inspect = new StringBuilder("[\n");
    int written = 0;

    nat.append("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n");
    nat.append("-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n");
    nat.append("-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER\n");
    nat.append("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\n");
    nat.append("-A DOCKER -i docker0 -j RETURN\n");
    written += 5;

    StringBuilder dockerChain = new StringBuilder();
    for (int i = 0; i < ports; i++) {
      String ip = containerIp(i + drift.containerShift());
      int hostPort = 10000 + i;
      int containerPort = i % 7 == 0 ? 3306 : 80;
      boolean loopback = i % 10 == 3;
      String bind = loopback ? "-d 127.0.0.1/32 " : "";
      nat.append("-A DOCKER ").append(bind).append("! -i docker0 -p tcp -m tcp --dport ").append(hostPort)
          .append(" -j DNAT --to-destination ").append(ip).append(':').append(containerPort).append('\n');
      dockerChain.append("-A DOCKER -d ").append(ip).append("/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport ")
          .append(containerPort).append(" -j ACCEPT\n");
      written += 2;
      inspect.append(i == 0 ? "" : ",\n").append(container(i, ip, loopback ? "127.0.0.1" : "0.0.0.0", hostPort, containerPort));
    }
    inspect.append("\n]\n");
    nat.append("COMMIT\n");

    filter.append("*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n");
    for (String chain : new String[] {"DOCKER", "DOCKER-BRIDGE", "DOCKER-CT", "DOCKER-FORWARD",
        "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2", "DOCKER-USER", "ufw-before-input",
        "ufw-user-input", "ufw-after-input", "ufw-before-forward", "ufw-user-forward", "ufw-reject-input"}) {
      filter.append(':').append(chain).append(" - [0:0]\n");
    }
    filter.append("-A INPUT -j ufw-before-input\n-A INPUT -j ufw-user-input\n-A INPUT -j ufw-after-input\n-A INPUT -j ufw-reject-input\n");
    filter.append("-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-FORWARD\n-A FORWARD -j ufw-before-forward\n-A FORWARD -j ufw-user-forward\n");
    filter.append("-A DOCKER-BRIDGE -o docker0 -j DOCKER\n");
    filter.append("-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
    filter.append("-A DOCKER-FORWARD -j DOCKER-CT\n-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1\n-A DOCKER-FORWARD -j DOCKER-BRIDGE\n");
    filter.append("-A DOCKER-FORWARD -i docker0 -j ACCEPT\n");
    filter.append("-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2\n");
    filter.append("-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP\n");
    filter.append("-A ufw-before-input -i lo -j ACCEPT\n-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
    filter.append("-A ufw-reject-input -j DROP\n");
    written += 20;
    filter.append(dockerChain);

    // The rest: allow-lists by source network, as large UFW and DOCKER-USER setups have them.
    filter.append("-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n");
    written++;
    for (String src : drift.handAllows()) {
      filter.append("-A DOCKER-USER -s ").append(src).append(" -p tcp -m conntrack --ctorigdstport 10000 --ctdir ORIGINAL -j RETURN\n");
      written++;
    }
    int remaining = Math.max(0, rules - written - 1);
    for (int i = 0; i < remaining; i++) {
      String src = "198." + (18 + random.nextInt(2)) + "." + random.nextInt(256) + "." + (random.nextInt(16) * 16) + "/28";
      int port = 10000 + random.nextInt(Math.max(1, ports));
      if (i % 2 == 0) {
        filter.append("-A DOCKER-USER -s ").append(src).append(" -p tcp -m conntrack --ctorigdstport ").append(port)
            .append(" --ctdir ORIGINAL -j RETURN\n");
      } else {
        filter.append("-A ufw-user-input -s ").append(src).append(" -p tcp -m tcp --dport ").append(port).append(" -j ACCEPT\n");
      }
    }
    filter.append("-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 10000:10099 --ctdir ORIGINAL -j DROP\n");
    filter.append("-A DOCKER-USER -j RETURN\nCOMMIT\n");

    String save = "# Generated by iptables-save v1.8.9 (nf_tables)\n" + nat + "# Completed\n"
        + "# Generated by iptables-save v1.8.9 (nf_tables)\n" + filter + "# Completed\n";
    Files.writeString(dir.resolve("iptables-save.txt"), save);
    Files.writeString(dir.resolve("docker-inspect.json"), inspect.toString());
    String net = drift.eth0().substring(0, drift.eth0().lastIndexOf('.'));
    Files.writeString(dir.resolve("ip-addr.json"), IP_ADDR.replace("198.51.100.10", drift.eth0()));
    Files.writeString(dir.resolve("ip-route.json"), IP_ROUTE.replace("198.51.100.10", drift.eth0())
        .replace("198.51.100.0/24", net + ".0/24").replace("198.51.100.1\"", net + ".1\""));
    Files.writeString(dir.resolve("hostname"), "bench-" + rules + "-" + ports + "\n");
    Files.writeString(dir.resolve("ufw-status.txt"),
        "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), deny (routed)\nNew profiles: skip\n\n"
            + "To                         Action      From\n--                         ------      ----\n"
            + "22/tcp                     ALLOW IN    Anywhere\n");
  }

  static String containerIp(int i) {
    return "172.17." + ((i + 2) / 256) + "." + ((i + 2) % 256);
  }

  static String container(int i, String ip, String hostIp, int hostPort, int containerPort) {
    String id = String.format("%064x", i + 1L);
    String image = containerPort == 3306 ? "mysql:8.0" : "nginx:1.27";
    return """
          {"Id": "%s", "Name": "/svc-%d",
           "Config": {"Image": "%s", "Labels": {"com.docker.compose.project": "bench", "com.docker.compose.service": "svc-%d"}, "Env": ["PATH=/usr/bin"], "Cmd": null},
           "HostConfig": {"NetworkMode": "bridge", "PortBindings": {"%d/tcp": [{"HostIp": "%s", "HostPort": "%d"}]}},
           "NetworkSettings": {
             "Ports": {"%d/tcp": [{"HostIp": "%s", "HostPort": "%d"}]},
             "Networks": {"bridge": {"IPAddress": "%s", "IPPrefixLen": 16, "Gateway": "172.17.0.1", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0}}}}"""
        .formatted(id, i, image, i, containerPort, hostIp, hostPort, containerPort, hostIp, hostPort, ip);
  }

  static final String IP_ADDR = """
      [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN","link_type":"loopback","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"},{"family":"inet6","local":"::1","prefixlen":128,"scope":"host"}]},
       {"ifindex":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP","link_type":"ether","addr_info":[{"family":"inet","local":"198.51.100.10","prefixlen":24,"scope":"global"}]},
       {"ifindex":3,"ifname":"docker0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP","link_type":"ether","linkinfo":{"info_kind":"bridge"},"addr_info":[{"family":"inet","local":"172.17.0.1","prefixlen":16,"scope":"global"}]}]
      """;

  static final String IP_ROUTE = """
      [{"dst":"default","gateway":"198.51.100.1","dev":"eth0","protocol":"static","flags":[]},
       {"dst":"198.51.100.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"198.51.100.10","flags":[]},
       {"dst":"172.17.0.0/16","dev":"docker0","protocol":"kernel","scope":"link","prefsrc":"172.17.0.1","flags":[]}]
      """;
}
