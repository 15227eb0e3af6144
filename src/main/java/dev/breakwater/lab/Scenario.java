package dev.breakwater.lab;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What runs in the lab: UFW's settings, the containers (docker {@code -p} syntax), and extra
 * iptables rules applied after Docker started (for example a DOCKER-USER fix to check).
 *
 * @param ufwAllow {@code ufw allow} arguments, one rule each ({@code 22/tcp})
 * @param iptables argument lists for {@code iptables} run in the lab host after the containers
 * @param ip6tables the same for {@code ip6tables}
 */
public record Scenario(
    String name,
    String ufwDefaultIncoming,
    List<String> ufwAllow,
    List<LabContainer> containers,
    List<List<String>> iptables,
    List<List<String>> ip6tables) {

  public Scenario {
    ufwAllow = List.copyOf(ufwAllow);
    containers = List.copyOf(containers);
    iptables = iptables.stream().map(List::copyOf).toList();
    ip6tables = ip6tables.stream().map(List::copyOf).toList();
  }

  /** One container of the scenario, always from the lab's local busybox image. */
  public record LabContainer(String name, List<String> ports, List<String> command, Map<String, String> labels) {
    public LabContainer {
      ports = List.copyOf(ports);
      command = List.copyOf(command);
      labels = Map.copyOf(labels);
    }
  }

  /**
   * The incident of the issue: UFW denies incoming (22 and 8080 allowed), yet a MySQL-like
   * service published as 3306 answers the outside; a cache bound to loopback does not; the web
   * port 8080 (container port 80) is public on purpose.
   */
  public static Scenario seedIncident() {
    return new Scenario(
        "seed-incident",
        "deny",
        List.of("22/tcp", "8080/tcp"),
        List.of(
            new LabContainer("db", List.of("3306:3306"), List.of("nc", "-ll", "-p", "3306", "-e", "echo", "5.7.44-mysql-like"),
                Map.of("breakwater.lab.role", "database")),
            new LabContainer("cache", List.of("127.0.0.1:6379:6379"), List.of("nc", "-ll", "-p", "6379", "-e", "echo", "redis-like"),
                Map.of("breakwater.lab.role", "cache")),
            new LabContainer("web", List.of("8080:80"), List.of("httpd", "-f", "-p", "80", "-h", "/"),
                Map.of("breakwater.lab.role", "web"))),
        List.of(),
        List.of());
  }

  /** The seed incident fixed the simplest way: the database published on 127.0.0.1 only, like the cache. */
  public static Scenario loopbackBound() {
    Scenario seed = seedIncident();
    List<LabContainer> containers = seed.containers().stream()
        .map(c -> c.name().equals("db") ? new LabContainer(c.name(), List.of("127.0.0.1:3306:3306"), c.command(), c.labels()) : c)
        .toList();
    return new Scenario("loopback-bound", seed.ufwDefaultIncoming(), seed.ufwAllow(), containers, List.of(), List.of());
  }

  /**
   * The seed incident with the recommended fix in DOCKER-USER for IPv4 only: replies first, then
   * drop new connections from outside to the original port 3306 (conntrack remembers it before
   * DNAT). Verified in the lab: IPv4 3306 is closed, IPv6 3306 still answers.
   */
  public static Scenario dockerUserFixV4Only() {
    Scenario seed = seedIncident();
    return new Scenario("docker-user-fix-v4", seed.ufwDefaultIncoming(), seed.ufwAllow(), seed.containers(),
        List.of(
            List.of("-I", "DOCKER-USER", "1", "-i", "eth0", "-p", "tcp", "-m", "conntrack", "--ctorigdstport", "3306",
                "--ctdir", "ORIGINAL", "-j", "DROP"),
            List.of("-I", "DOCKER-USER", "1", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN")),
        List.of());
  }

  /**
   * The same fix for both families. Docker 20.10 (Debian 12's docker.io) with ip6tables enabled
   * creates no DOCKER-USER chain in ip6tables, so the twin is created and jumped to here.
   */
  public static Scenario dockerUserFix() {
    Scenario v4 = dockerUserFixV4Only();
    return new Scenario("docker-user-fix", v4.ufwDefaultIncoming(), v4.ufwAllow(), v4.containers(), v4.iptables(),
        List.of(
            List.of("-N", "DOCKER-USER"),
            List.of("-I", "FORWARD", "1", "-j", "DOCKER-USER"),
            List.of("-A", "DOCKER-USER", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN"),
            List.of("-A", "DOCKER-USER", "-i", "eth0", "-p", "tcp", "-m", "conntrack", "--ctorigdstport", "3306",
                "--ctdir", "ORIGINAL", "-j", "DROP"),
            List.of("-A", "DOCKER-USER", "-j", "RETURN")));
  }

  /**
   * The DOCKER-USER fix with one trusted source: 198.51.100.67 (the second attacker address,
   * "the office") still reaches 3306 over IPv4, 198.51.100.66 and IPv6 do not.
   */
  public static Scenario dockerUserAllowlist() {
    Scenario both = dockerUserFix();
    return new Scenario("docker-user-allowlist", both.ufwDefaultIncoming(), both.ufwAllow(), both.containers(),
        List.of(
            List.of("-I", "DOCKER-USER", "1", "-i", "eth0", "-p", "tcp", "-m", "conntrack", "--ctorigdstport", "3306",
                "--ctdir", "ORIGINAL", "-j", "DROP"),
            List.of("-I", "DOCKER-USER", "1", "-s", "198.51.100.67/32", "-i", "eth0", "-p", "tcp", "-m", "conntrack",
                "--ctorigdstport", "3306", "--ctdir", "ORIGINAL", "-j", "RETURN"),
            List.of("-I", "DOCKER-USER", "1", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN")),
        both.ip6tables());
  }

  /** Port forms the engine must understand: a range, UDP, one address only, an IPv4 wildcard with a remapped port. */
  public static Scenario portForms() {
    return new Scenario("port-forms", "deny", List.of("22/tcp", "8443/tcp"),
        List.of(
            // Both ports of the range listen: a reset from an empty port would read as "refused", not "reached".
            new LabContainer("range", List.of("8000-8001:8000-8001"),
                List.of("sh", "-c", "nc -ll -p 8001 -e echo range-8001 & exec nc -ll -p 8000 -e echo range-8000"), Map.of()),
            new LabContainer("dns", List.of("5353:53/udp"), List.of("sleep", "86400"), Map.of()),
            new LabContainer("admin", List.of("198.51.100.1:8443:443"), List.of("httpd", "-f", "-p", "443", "-h", "/"), Map.of()),
            new LabContainer("metrics", List.of("0.0.0.0:9100:9100"), List.of("httpd", "-f", "-p", "9100", "-h", "/"), Map.of())),
        List.of(),
        List.of());
  }

  public static List<Scenario> builtIn() {
    return List.of(seedIncident(), loopbackBound(), dockerUserFixV4Only(), dockerUserFix(), dockerUserAllowlist(), portForms());
  }

  public static Optional<Scenario> builtIn(String name) {
    return builtIn().stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
