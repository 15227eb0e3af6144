package dev.breakwater.policy;

import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.NetworkNamespace;
import dev.breakwater.firewall.StateStore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.host.ContainerNetwork;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.host.Route;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.IptablesSaveParser;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real packets: three namespaces (host, container, attacker with two addresses), the host loaded
 * with Docker's publishing rules for {@code -p 3306:80} (DNAT in nat/DOCKER, ACCEPT in
 * filter/DOCKER, FORWARD policy DROP). The compiled chain must let the allowed attacker address
 * in, keep the other out although the port was DNATed to 80, and leave the container's own
 * outbound connections working. No dockerd: the rules are Docker's, written by the test.
 */
@Tag("lab")
public class PolicyTrafficLabTest {
  public static final String HOST_RULES = """
      *nat
      :PREROUTING ACCEPT [0:0]
      :INPUT ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      :POSTROUTING ACCEPT [0:0]
      :DOCKER - [0:0]
      -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
      -A POSTROUTING -s 198.18.0.0/24 ! -o docker0 -j MASQUERADE
      -A DOCKER -i docker0 -j RETURN
      -A DOCKER ! -i docker0 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 198.18.0.2:80
      COMMIT
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      :DOCKER - [0:0]
      :DOCKER-USER - [0:0]
      -A FORWARD -j DOCKER-USER
      -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A FORWARD -o docker0 -j DOCKER
      -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
      -A DOCKER -d 198.18.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
      -A DOCKER-USER -j RETURN
      COMMIT
      """;

  @TempDir public Path tmp;
  public final List<Process> servers = new ArrayList<>();

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "action: reject\nallow:\n  - port: 3306\n    from: 198.51.100.3\n",
      "action: reject\nipset-threshold: 1\nallow:\n  - port: 3306\n    from: [198.51.100.3, 198.51.100.64/26]\n"})
  void onlyTheAllowedAddressGetsInAndTheContainerStillReachesOut(String policy) throws Exception {
    RootCheck.assumeRoot("needs root to create network namespaces");
    if (policy.contains("ipset")) {
      Required.that(Files.isExecutable(Path.of("/usr/sbin/ipset")) || Files.isExecutable(Path.of("/sbin/ipset")),
          "needs the ipset tool (Debian package ipset)");
    }
    Required.that(Files.isExecutable(Path.of("/usr/bin/curl")), "needs curl");
    Required.that(Files.isExecutable(Path.of("/usr/bin/busybox")) || Files.isExecutable(Path.of("/bin/busybox")), "needs busybox");
    try (TestNamespace host = new TestNamespace(); TestNamespace container = new TestNamespace(); TestNamespace attacker = new TestNamespace()) {
      try {
        wire(host, container, attacker);
        host.load("iptables-restore", HOST_RULES);
        Files.writeString(Files.createDirectories(tmp.resolve("www")).resolve("index.html"), "container\n");
        Files.writeString(Files.createDirectories(tmp.resolve("out")).resolve("index.html"), "outside\n");
        serve(container, 80, tmp.resolve("www"));
        serve(attacker, 8080, tmp.resolve("out"));

        assertThat(get(attacker, "198.51.100.2", "http://198.51.100.1:3306/")).as("before: the first attacker gets in").contains("container");
        assertThat(get(attacker, "198.51.100.3", "http://198.51.100.1:3306/")).as("before: the second attacker gets in").contains("container");

        HostFacts facts = facts(IptablesSaveParser.parse(host.save("iptables-save"), IpFamily.V4, "lab"));
        CompiledPolicy compiled = PolicyCompiler.compile(facts, PolicyFile.parse(policy, "policy.yml"));
        assertThat(compiled.sets()).hasSize(policy.contains("ipset") ? 1 : 0);
        new ApplyTransaction(NetfilterTools.in(new NetworkNamespace(host.name)), new StateStore(tmp.resolve("state"))).apply(compiled);

        assertThat(get(attacker, "198.51.100.3", "http://198.51.100.1:3306/")).as("the allowed address gets in").contains("container");
        assertThat(get(attacker, "198.51.100.2", "http://198.51.100.1:3306/")).as("the other address is refused").isEmpty();
        assertThat(get(container, "198.18.0.2", "http://198.51.100.2:8080/")).as("the container still reaches out").contains("outside");
      } finally {
        servers.forEach(Process::destroy);
        for (Process p : servers) {
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  /**
   * A hundred apply/rollback cycles between two policies that both deny 198.51.100.2, while that
   * address probes the port as fast as it can: it must never get in (each family's change is one
   * iptables-restore transaction, so there is no moment without the chain).
   */
  @org.junit.jupiter.api.Test
  void aDeniedAddressNeverGetsInDuringAHundredApplyRollbackCycles() throws Exception {
    RootCheck.assumeRoot("needs root to create network namespaces");
    Required.that(Files.isExecutable(Path.of("/usr/bin/curl")), "needs curl");
    try (TestNamespace host = new TestNamespace(); TestNamespace container = new TestNamespace(); TestNamespace attacker = new TestNamespace()) {
      Process prober = null;
      try {
        wire(host, container, attacker);
        host.load("iptables-restore", HOST_RULES);
        Files.writeString(Files.createDirectories(tmp.resolve("www")).resolve("index.html"), "container\n");
        serve(container, 80, tmp.resolve("www"));
        HostFacts facts = facts(IptablesSaveParser.parse(host.save("iptables-save"), IpFamily.V4, "lab"));
        CompiledPolicy first = PolicyCompiler.compile(facts, PolicyFile.parse("action: reject\nallow:\n  - port: 3306\n    from: 198.51.100.3\n", "a.yml"));
        CompiledPolicy second = PolicyCompiler.compile(facts, PolicyFile.parse("action: reject\nallow:\n  - port: 3306\n    from: [198.51.100.3, 198.51.100.128/25]\n", "b.yml"));
        ApplyTransaction transaction = new ApplyTransaction(NetfilterTools.in(new NetworkNamespace(host.name)), new StateStore(tmp.resolve("state")));
        transaction.apply(first);
        assertThat(get(attacker, "198.51.100.3", "http://198.51.100.1:3306/")).contains("container");

        Path probes = tmp.resolve("probes.log");
        prober = new ProcessBuilder(attacker.command("sh", "-c",
            "while :; do if curl -s -o /dev/null --interface 198.51.100.2 --connect-timeout 1 --max-time 2 http://198.51.100.1:3306/; "
                + "then echo OPEN; else echo closed; fi; done"))
            .redirectErrorStream(true).redirectOutput(probes.toFile()).start();
        for (int cycle = 0; cycle < 100; cycle++) {
          assertThat(dev.breakwater.firewall.TestChanges.apply(transaction, second).changed()).isTrue();
          assertThat(dev.breakwater.firewall.TestChanges.rollback(transaction)).containsExactly(IpFamily.V4);
        }
        prober.destroy();
        prober.waitFor(5, TimeUnit.SECONDS);
        List<String> results = Files.readAllLines(probes);
        System.out.println("probes from the denied address during 100 apply/rollback cycles: " + results.size());
        assertThat(results).as("the prober ran").hasSizeGreaterThan(20).doesNotContain("OPEN");
        assertThat(get(attacker, "198.51.100.3", "http://198.51.100.1:3306/")).as("the allowed address still gets in").contains("container");
      } finally {
        if (prober != null) {
          prober.destroy();
        }
        servers.forEach(Process::destroy);
        for (Process p : servers) {
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  public static void wire(TestNamespace host, TestNamespace container, TestNamespace attacker) {
    String suffix = host.name.substring(host.name.lastIndexOf('-') + 1) + ProcessHandle.current().pid() % 10000;
    String outside = "bwxo" + suffix;
    String bridge = "bwxb" + suffix;
    // Created inside the host namespace, so nothing ever appears in the root namespace.
    ip(host, "link", "add", "eth0", "type", "veth", "peer", "name", outside);
    ip(host, "link", "set", outside, "netns", attacker.name);
    ip(host, "link", "add", "docker0", "type", "veth", "peer", "name", bridge);
    ip(host, "link", "set", bridge, "netns", container.name);
    ip(host, "addr", "add", "198.51.100.1/24", "dev", "eth0");
    ip(host, "addr", "add", "198.18.0.1/24", "dev", "docker0");
    ip(host, "link", "set", "eth0", "up");
    ip(host, "link", "set", "docker0", "up");
    ip(host, "link", "set", "lo", "up");
    ip(attacker, "addr", "add", "198.51.100.2/24", "dev", outside);
    ip(attacker, "addr", "add", "198.51.100.3/24", "dev", outside);
    ip(attacker, "link", "set", outside, "up");
    ip(attacker, "link", "set", "lo", "up");
    ip(container, "addr", "add", "198.18.0.2/24", "dev", bridge);
    ip(container, "link", "set", bridge, "up");
    ip(container, "link", "set", "lo", "up");
    ip(container, "route", "add", "default", "via", "198.18.0.1");
    host.run("sysctl", "-qw", "net.ipv4.ip_forward=1");
  }

  static void ip(TestNamespace ns, String... args) {
    ns.ip(args);
  }

  public void serve(TestNamespace ns, int port, Path root) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(ns.command("busybox", "httpd", "-f", "-p", Integer.toString(port), "-h", root.toString()))
        .redirectErrorStream(true).redirectOutput(tmp.resolve("httpd-" + port + ".log").toFile()).start();
    servers.add(p);
    Thread.sleep(300);
    assertThat(p.isAlive()).as("busybox httpd on port " + port + " started").isTrue();
  }

  /** The body, or "" when the connection was refused or timed out. */
  public static String get(TestNamespace ns, String source, String url) throws IOException, InterruptedException {
    return get(ns, source, url, 3);
  }

  /** {@link #get(TestNamespace, String, String)} giving up on a connection after {@code connectSeconds}. */
  public static String get(TestNamespace ns, String source, String url, int connectSeconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(ns.command("curl", "-s", "--interface", source,
        "--connect-timeout", Integer.toString(connectSeconds), "--max-time", Integer.toString(connectSeconds + 2), url))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(10, TimeUnit.SECONDS);
    return p.exitValue() == 0 ? out : "";
  }

  public static HostFacts facts(dev.breakwater.netfilter.Ruleset ipv4) {
    IPAddress any = new IPAddressString("0.0.0.0").getAddress();
    IPAddress containerIp = new IPAddressString("198.18.0.2").getAddress();
    Container db = new Container("c1", "/db", "busybox", Map.of(), "bridge",
        List.of(new ContainerNetwork("bridge", Optional.of(containerIp), Optional.empty(), Optional.of(new IPAddressString("198.18.0.1").getAddress()))),
        List.of(new PublishedPort(any, 3306, 80, Transport.TCP, Optional.of(containerIp))), List.of(), List.of());
    List<NetworkInterface> interfaces = List.of(
        new NetworkInterface("lo", "loopback", true, List.of(new IPAddressString("127.0.0.1/8").getAddress()), ""),
        new NetworkInterface("eth0", "veth", true, List.of(new IPAddressString("198.51.100.1/24").getAddress()), ""),
        new NetworkInterface("docker0", "veth", true, List.of(new IPAddressString("198.18.0.1/24").getAddress()), ""));
    List<Route> routes = List.of(
        new Route(IpFamily.V4, new IPAddressString("0.0.0.0/0").getAddress(), Optional.of(new IPAddressString("198.51.100.254").getAddress()), "eth0", "unicast"),
        new Route(IpFamily.V4, new IPAddressString("198.51.100.0/24").getAddress(), Optional.empty(), "eth0", "unicast"),
        new Route(IpFamily.V4, new IPAddressString("198.18.0.0/24").getAddress(), Optional.empty(), "docker0", "unicast"));
    return new HostFacts("lab-host", interfaces, routes, List.of(db), ipv4, Optional.empty(), Optional.empty(), Optional.empty(), List.of());
  }
}
