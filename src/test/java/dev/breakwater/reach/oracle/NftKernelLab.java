package dev.breakwater.reach.oracle;

import dev.breakwater.system.TestNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel side of the nftables oracle: a Docker-29-nft-shaped host in three namespaces, as in
 * research/nftables.md §1.6. The host has an outside link {@value #OUTSIDE} (198.18.20.2/24) to an
 * attacker holding {@link #SOURCES}, with a route to the container subnet through the host, and a
 * bridge {@value #BRIDGE} (198.19.20.1/24) with one container (198.19.20.2) serving TCP
 * {@value #CONTAINER_PORT} and {@value #UNPUBLISHED_PORT} with busybox httpd. The attacker serves
 * {@value #EGRESS_PORT} for the container's egress.
 *
 * <p>Each scenario is loaded whole: {@code nft flush ruleset}, then {@code nft -f} of its nft
 * layers, then iptables-nft-restore of its iptables layer. Every namespace is a
 * {@link TestNamespace}, entered with nsenter; {@link #close()} removes them all.
 */
final class NftKernelLab implements AutoCloseable {
  /** Short of TCP's first SYN retransmission (1 s), long past a lab round trip. */
  static final int CONNECT_TIMEOUT_MILLIS = 300;
  static final String OUTSIDE = "eth0";
  static final String BRIDGE = "br-lab";
  static final String HOST_ADDRESS = "198.18.20.2";
  static final String GATEWAY = "198.19.20.1";
  static final String CONTAINER = "198.19.20.2";
  static final String CONTAINER_SUBNET = "198.19.20.0/24";
  /** .9 is the one the allowlists of S3b, S4 and S6 let in; .1 and .33 are not. */
  static final List<String> SOURCES = List.of("198.18.20.1", "198.18.20.9", "198.18.20.33");
  /** Where the container's egress goes: the attacker side, from an address no allowlist names. */
  static final String EGRESS_TARGET = "198.18.20.1";
  static final int PUBLISHED_PORT = 8080;
  static final int CONTAINER_PORT = 80;
  static final int UNPUBLISHED_PORT = 81;
  static final int EGRESS_PORT = 9000;

  /** Where an attempt is made from. */
  enum Origin { ATTACKER, CONTAINER }

  /** One TCP connection attempt; the source port is unique in a run, so each is its own conntrack entry. */
  record Attempt(String target, Origin origin, String source, int sourcePort, String destination, int destinationPort,
      String inInterface) {
    String describe() {
      return target + ": tcp " + source + ":" + sourcePort + " -> " + destination + ":" + destinationPort + " in "
          + inInterface;
    }
  }

  private final List<TestNamespace> namespaces = new ArrayList<>();
  private final Map<Origin, ProbeProcess> probes = new LinkedHashMap<>();
  private final Path webRoot;
  private TestNamespace host;
  private TestNamespace attacker;
  private TestNamespace container;
  private int nextSourcePort = 30_000;

  private NftKernelLab() throws IOException {
    webRoot = Files.createTempDirectory("bwt-nft-www-");
  }

  static NftKernelLab up() throws IOException {
    NftKernelLab lab = new NftKernelLab();
    try {
      lab.build();
      return lab;
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  private TestNamespace namespace() {
    TestNamespace ns = new TestNamespace();
    namespaces.add(ns);
    ns.ipv4Only();
    ns.run("sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
    ns.run("sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0");
    return ns;
  }

  private void build() throws IOException {
    host = namespace();
    attacker = namespace();
    container = namespace();
    host.ip("link", "add", OUTSIDE, "type", "veth", "peer", "name", OUTSIDE, "netns", attacker.name);
    host.ip("addr", "add", HOST_ADDRESS + "/24", "dev", OUTSIDE);
    host.ip("link", "set", OUTSIDE, "up");
    host.ip("link", "add", BRIDGE, "type", "bridge");
    host.ip("addr", "add", GATEWAY + "/24", "dev", BRIDGE);
    host.ip("link", "set", BRIDGE, "up");
    host.ip("link", "add", "veth-c1", "type", "veth", "peer", "name", "eth0", "netns", container.name);
    host.ip("link", "set", "veth-c1", "master", BRIDGE);
    host.ip("link", "set", "veth-c1", "up");
    // Fixed MACs: the recorded snapshots' ip-addr.json is the same on every run.
    host.ip("link", "set", OUTSIDE, "address", "02:00:c6:12:14:02");
    host.ip("link", "set", BRIDGE, "address", "02:00:c6:13:14:01");
    host.ip("link", "set", "veth-c1", "address", "02:00:c6:13:14:fe");
    attacker.ip("link", "set", OUTSIDE, "address", "02:00:c6:12:14:01");
    container.ip("link", "set", "eth0", "address", "02:00:c6:13:14:02");
    host.run("sysctl", "-qw", "net.ipv4.ip_forward=1");
    for (String source : SOURCES) {
      attacker.ip("addr", "add", source + "/24", "dev", OUTSIDE);
    }
    attacker.ip("link", "set", OUTSIDE, "up");
    attacker.ip("route", "add", CONTAINER_SUBNET, "via", HOST_ADDRESS);
    container.ip("addr", "add", CONTAINER + "/24", "dev", "eth0");
    container.ip("link", "set", "eth0", "up");
    container.ip("route", "add", "default", "via", GATEWAY);
    // A SYN whose answer the host drops must stay visible as half-open, not become a cookie.
    for (TestNamespace server : List.of(container, attacker)) {
      server.run("sysctl", "-qw", "net.ipv4.tcp_syncookies=0");
    }
    serve(container, CONTAINER_PORT);
    serve(container, UNPUBLISHED_PORT);
    serve(attacker, EGRESS_PORT);
    probes.put(Origin.ATTACKER, ProbeProcess.start(attacker, CONNECT_TIMEOUT_MILLIS));
    probes.put(Origin.CONTAINER, ProbeProcess.start(container, CONNECT_TIMEOUT_MILLIS));
    // Plumbing, with no ruleset: the container and the attacker answer (the host's own port
    // 8080, with no DNAT, refuses), and the neighbours are resolved once.
    Map<Attempt, KernelOutcome> open = probe(attempts());
    open.forEach((a, o) -> {
      KernelOutcome want = a.destination().equals(HOST_ADDRESS) ? KernelOutcome.REFUSED : KernelOutcome.CONNECTED;
      if (o != want) {
        throw new IllegalStateException("nft lab plumbing is broken: with no ruleset " + a.describe() + " gave " + o
            + ", expected " + want);
      }
    });
  }

  /** busybox httpd on {@code port} (a ServerSocket cannot live in another namespace of this JVM). */
  private void serve(TestNamespace ns, int port) throws IOException {
    ns.start("busybox", "httpd", "-f", "-p", String.valueOf(port), "-h", webRoot.toString());
    for (int i = 0; i < 100; i++) {
      if (ns.run("ss", "-Htln", "sport", "= :" + port).contains(":" + port)) {
        return;
      }
      sleep(20);
    }
    throw new IOException("busybox httpd did not listen on " + port + " in " + ns.name);
  }

  /** The text of a fixture in {@code src/test/resources/oracle/nft/}. */
  static String fixture(String name) {
    try (InputStream in = NftKernelLab.class.getResourceAsStream("/oracle/nft/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture oracle/nft/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Moby's usernet-portmap table with the lab's bridge and subnet (see NOTES.md beside it). */
  static String dockerBridges() {
    return fixture("usernet-portmap.nft")
        .replace("bridge1", BRIDGE)
        .replace("192.0.2.", "198.19.20.")
        .replace("type nat hook output priority dstnat;", "type nat hook output priority -100;");
  }

  /** Replaces the host's whole firewall: nft layers in one transaction, then the iptables-nft one. */
  void load(List<String> nftLayers, String iptablesLayer) {
    host.run("nft", "flush", "ruleset");
    if (!nftLayers.isEmpty()) {
      host.run(List.of("nft", "-f", "-"), String.join("\n", nftLayers));
    }
    if (!iptablesLayer.isEmpty()) {
      host.run(List.of("iptables-nft-restore"), iptablesLayer);
    }
  }

  /**
   * The attempts of one scenario, each with fresh source ports: every source to the published
   * host port, to the container's published and unpublished ports directly, and the container's
   * egress to the attacker side.
   */
  List<Attempt> attempts() {
    List<Attempt> out = new ArrayList<>();
    for (String source : SOURCES) {
      out.add(new Attempt("host:" + PUBLISHED_PORT, Origin.ATTACKER, source, nextSourcePort++, HOST_ADDRESS,
          PUBLISHED_PORT, OUTSIDE));
      out.add(new Attempt("direct:" + CONTAINER_PORT, Origin.ATTACKER, source, nextSourcePort++, CONTAINER,
          CONTAINER_PORT, OUTSIDE));
      out.add(new Attempt("direct:" + UNPUBLISHED_PORT, Origin.ATTACKER, source, nextSourcePort++, CONTAINER,
          UNPUBLISHED_PORT, OUTSIDE));
    }
    out.add(new Attempt("egress", Origin.CONTAINER, CONTAINER, nextSourcePort++, EGRESS_TARGET, EGRESS_PORT, BRIDGE));
    return out;
  }

  /** Makes every attempt at once; a time-out whose SYN a server holds half-open is HALF_OPEN. */
  Map<Attempt, KernelOutcome> probe(List<Attempt> attempts) throws IOException {
    Map<Origin, Map<Integer, ProbeCase>> batches = new LinkedHashMap<>();
    for (int i = 0; i < attempts.size(); i++) {
      Attempt a = attempts.get(i);
      batches.computeIfAbsent(a.origin(), o -> new LinkedHashMap<>())
          .put(i, new ProbeCase(a.source(), a.sourcePort(), a.destination(), a.destinationPort(), a.inInterface()));
    }
    batches.forEach((origin, batch) -> probes.get(origin).send(batch));
    Map<Integer, String[]> results = new java.util.HashMap<>();
    for (Origin origin : batches.keySet()) {
      results.putAll(probes.get(origin).receive());
    }
    Set<Integer> halfOpen = halfOpenSourcePorts();
    Map<Attempt, KernelOutcome> out = new LinkedHashMap<>();
    for (int i = 0; i < attempts.size(); i++) {
      Attempt a = attempts.get(i);
      KernelOutcome o = KernelOutcome.valueOf(results.get(i)[0]);
      if (o == KernelOutcome.TIMEOUT && halfOpen.contains(a.sourcePort())) {
        o = KernelOutcome.HALF_OPEN;
      }
      if (o.isHarnessFault()) {
        throw new IOException("nft lab: harness fault for " + a.describe() + ": " + results.get(i)[1]);
      }
      out.put(a, o);
    }
    return out;
  }

  /**
   * The source ports of every SYN a server holds half-open. The port alone: the egress source is
   * masqueraded to the host's address, its port kept (no other flow claims it).
   */
  private Set<Integer> halfOpenSourcePorts() {
    Set<Integer> ports = new HashSet<>();
    for (TestNamespace server : List.of(container, attacker)) {
      for (String line : server.run("ss", "-Htn", "state", "syn-recv").split("\n")) {
        String[] f = line.strip().split("\\s+");
        if (f.length >= 4) {
          ports.add(Integer.parseInt(f[3].substring(f[3].lastIndexOf(':') + 1)));
        }
      }
    }
    return ports;
  }

  /**
   * A snapshot directory of the host namespace, as {@code breakwater snapshot} writes one, plus
   * {@code files} that describe what is not in the namespace (docker-inspect.json, docker-info.json,
   * firewalld.conf...); a missing docker-inspect.json is written as {@code []}.
   */
  void snapshot(Path dir, Map<String, String> files) throws IOException {
    Files.createDirectories(dir);
    // Without the timestamped comment lines: the recorded snapshots are compared with the lab's.
    Files.writeString(dir.resolve("iptables-save.txt"), host.save("iptables-nft-save"));
    Files.writeString(dir.resolve("ip6tables-save.txt"), host.save("ip6tables-nft-save"));
    Files.writeString(dir.resolve("nft-ruleset.json"), host.run("nft", "-j", "list", "ruleset"));
    Files.writeString(dir.resolve("ip-addr.json"), host.run("ip", "-j", "addr", "show"));
    Files.writeString(dir.resolve("ip-route.json"), host.run("ip", "-j", "route", "show"));
    Files.writeString(dir.resolve("docker-inspect.json"), "[]\n");
    Files.writeString(dir.resolve("hostname"), "nft-lab\n");
    for (var f : files.entrySet()) {
      Files.writeString(dir.resolve(f.getKey()), f.getValue());
    }
  }

  /**
   * The files a Docker 29 host with the nftables backend adds to its snapshot: docker inspect of
   * {@code docker run --network bridge1 -p 8080:80} with the lab's names, and {@code docker info}'s
   * FirewallBackend ({@code driver}: {@code nftables} or {@code nftables+firewalld}).
   */
  static Map<String, String> dockerFiles(String driver) {
    return Map.of("docker-inspect.json", dockerInspect(),
        "docker-info.json", "{\"FirewallBackend\": {\"Driver\": \"" + driver + "\"}}\n");
  }

  /** What {@code docker inspect} says of {@code docker run --network bridge1 -p 8080:80}, the lab's names. */
  static String dockerInspect() {
    return """
        [{"Id": "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1",
          "Name": "/c1",
          "Config": {"Image": "busybox", "Labels": {}, "Env": [], "Cmd": ["httpd", "-f", "-p", "80"]},
          "HostConfig": {"NetworkMode": "bridge1",
            "PortBindings": {"%2$d/tcp": [{"HostIp": "", "HostPort": "%1$d"}]}},
          "NetworkSettings": {
            "Ports": {"%2$d/tcp": [{"HostIp": "0.0.0.0", "HostPort": "%1$d"}]},
            "Networks": {"bridge1": {"IPAddress": "%3$s", "IPPrefixLen": 24, "Gateway": "%4$s",
              "GlobalIPv6Address": "", "IPv6Gateway": ""}}}}]
        """.formatted(PUBLISHED_PORT, CONTAINER_PORT, CONTAINER, GATEWAY);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    probes.values().forEach(ProbeProcess::close);
    RuntimeException failure = null;
    for (TestNamespace ns : namespaces.reversed()) {
      try {
        ns.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    try {
      Files.deleteIfExists(webRoot);
    } catch (IOException e) {
      // A temporary directory left in /tmp: harmless.
    }
    if (failure != null) {
      throw failure;
    }
  }
}
