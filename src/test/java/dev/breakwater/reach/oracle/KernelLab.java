package dev.breakwater.reach.oracle;

import static dev.breakwater.reach.oracle.OracleTopology.ATTACKER;
import static dev.breakwater.reach.oracle.OracleTopology.BRIDGE;
import static dev.breakwater.reach.oracle.OracleTopology.HOST;
import static dev.breakwater.reach.oracle.OracleTopology.OUTSIDE;
import static dev.breakwater.reach.oracle.OracleTopology.SECOND_OUTSIDE;

import inet.ipaddr.IPAddressString;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel side of the oracle: the namespaces of {@link OracleTopology}, a listener in each
 * container, a probe in the attacker. Loads a ruleset into the host namespace with
 * iptables-restore and reports what the kernel did with each connection attempt.
 *
 * <p>Every command that changes network state runs inside a {@code bwo-} namespace; the root
 * namespace's addresses, routes and firewall are never touched. {@link #close()} removes every
 * namespace and process the lab made; {@link #removeStale()} removes those of a crashed run.
 */
final class KernelLab implements AutoCloseable {
  /** Longer than a lab round trip by far, shorter than TCP's first SYN retransmission (1 s). */
  static final int CONNECT_TIMEOUT_MILLIS = 500;

  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  /** {@code UDP address port} lines from the containers' listeners: every datagram they heard. */
  private final Set<String> datagrams = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** {@code iptables}, {@code iptables-legacy} or {@code iptables-nft}: the tools' name. */
  private final String tool;
  /** One probe per namespace attempts are made from: the attacker's and each container's. */
  private final Map<String, ProbeProcess> probes = new java.util.LinkedHashMap<>();

  private KernelLab(String tool) {
    this.tool = tool;
  }

  /**
   * The backend named by {@code -Dbreakwater.oracle.backend=legacy|nft}, or this machine's
   * {@code iptables} when none is: {@code iptables}, {@code iptables-legacy} or {@code iptables-nft}.
   */
  static String tool() {
    String backend = System.getProperty("breakwater.oracle.backend", "");
    return switch (backend) {
      case "" -> "iptables";
      case "legacy", "nft" -> "iptables-" + backend;
      default -> throw new IllegalArgumentException("breakwater.oracle.backend: legacy or nft, not " + backend);
    };
  }

  /** What {@link #tool()} is ({@code iptables v1.8.9 (nf_tables)}). */
  static String backend() throws IOException {
    return Commands.run(List.of(tool(), "-V")).strip();
  }

  static KernelLab up() throws IOException {
    removeStale();
    KernelLab lab = new KernelLab(tool());
    try {
      lab.build();
      lab.checkPlumbing();
      return lab;
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  /** Deletes every {@code bwo-} namespace and the processes in it: what a crashed run left. */
  static void removeStale() throws IOException {
    for (String line : Commands.run(List.of("ip", "netns", "list")).split("\n")) {
      String name = line.strip().split(" ")[0];
      if (name.startsWith(OracleTopology.PREFIX)) {
        deleteNamespace(name);
      }
    }
  }

  private static void deleteNamespace(String name) {
    try {
      for (String pid : Commands.run(List.of("ip", "netns", "pids", name)).split("\\s+")) {
        if (!pid.isBlank()) {
          Commands.runQuietly(List.of("kill", "-9", pid.strip()));
        }
      }
    } catch (IOException e) {
      // The namespace is already gone.
    }
    Commands.runQuietly(List.of("ip", "netns", "del", name));
  }

  private void build() throws IOException {
    addNamespace(HOST);
    addNamespace(ATTACKER);
    for (var c : OracleTopology.CONTAINERS) {
      addNamespace(c.namespace());
    }
    // Two outside links to the attacker, and two bridges with one veth per container.
    ip(HOST, "link", "add", OUTSIDE, "type", "veth", "peer", "name", OUTSIDE, "netns", ATTACKER);
    ip(HOST, "link", "add", SECOND_OUTSIDE, "type", "veth", "peer", "name", SECOND_OUTSIDE, "netns", ATTACKER);
    for (var n : OracleTopology.NETWORKS) {
      ip(HOST, "link", "add", n.bridge(), "type", "bridge");
      ip(HOST, "addr", "add", n.address() + "/24", "dev", n.bridge());
      ip(HOST, "addr", "add", Ipv6Twin.address(n.address() + "/24"), "dev", n.bridge(), "nodad");
      ip(HOST, "link", "set", n.bridge(), "up");
    }
    ip(HOST, "addr", "add", OracleTopology.HOST_ADDRESS + "/24", "dev", OUTSIDE);
    ip(HOST, "addr", "add", OracleTopology.HOST_SECOND_ADDRESS + "/24", "dev", OUTSIDE);
    ip(HOST, "addr", "add", OracleTopology.HOST_ETH1_ADDRESS + "/24", "dev", SECOND_OUTSIDE);
    for (String a : List.of(OracleTopology.HOST_ADDRESS + "/24", OracleTopology.HOST_SECOND_ADDRESS + "/24")) {
      ip(HOST, "addr", "add", Ipv6Twin.address(a), "dev", OUTSIDE, "nodad");
    }
    ip(HOST, "addr", "add", Ipv6Twin.address(OracleTopology.HOST_ETH1_ADDRESS + "/24"), "dev", SECOND_OUTSIDE, "nodad");
    for (String dev : List.of(OUTSIDE, SECOND_OUTSIDE)) {
      ip(HOST, "link", "set", dev, "up");
    }
    for (var c : OracleTopology.CONTAINERS) {
      ip(HOST, "link", "add", c.hostVeth(), "type", "veth", "peer", "name", "eth0", "netns", c.namespace());
      ip(HOST, "link", "set", c.hostVeth(), "master", c.bridge());
      ip(HOST, "link", "set", c.hostVeth(), "up");
      ip(c.namespace(), "addr", "add", c.address() + "/24", "dev", "eth0");
      ip(c.namespace(), "link", "set", "eth0", "up");
      ip(c.namespace(), "route", "add", "default", "via", c.network().address());
      ip(c.namespace(), "addr", "add", Ipv6Twin.address(c.address() + "/24"), "dev", "eth0", "nodad");
      ip(c.namespace(), "-6", "route", "add", "default", "via", Ipv6Twin.address(c.network().address()));
    }
    for (String a : OracleTopology.ATTACKER_ETH0) {
      ip(ATTACKER, "addr", "add", a, "dev", OUTSIDE);
      ip(ATTACKER, "addr", "add", Ipv6Twin.address(a), "dev", OUTSIDE, "nodad");
    }
    for (String a : OracleTopology.ATTACKER_ETH1) {
      ip(ATTACKER, "addr", "add", a, "dev", SECOND_OUTSIDE);
      ip(ATTACKER, "addr", "add", Ipv6Twin.address(a), "dev", SECOND_OUTSIDE, "nodad");
    }
    ip(ATTACKER, "link", "set", OUTSIDE, "up");
    ip(ATTACKER, "link", "set", SECOND_OUTSIDE, "up");
    for (var n : OracleTopology.NETWORKS) {
      // Direct routing: the attacker sends to container addresses through the host.
      ip(ATTACKER, "route", "add", n.subnet(), "via", OracleTopology.HOST_ADDRESS);
      ip(ATTACKER, "-6", "route", "add", Ipv6Twin.address(n.address()) + "/64", "via", Ipv6Twin.address(OracleTopology.HOST_ADDRESS));
    }
    ip(HOST, "route", "add", OracleTopology.FAR_PREFIX, "via", "198.51.100.66");
    ip(ATTACKER, "route", "add", OracleTopology.ROUTED_AWAY, "via", OracleTopology.HOST_ADDRESS);
    ip(HOST, "route", "add", "blackhole", OracleTopology.BLACKHOLE);
    ip(HOST, "route", "add", "prohibit", OracleTopology.PROHIBIT);
    for (String prefix : List.of("2001:db8:8::/64", "2001:db8:9::/64")) {
      ip(ATTACKER, "-6", "route", "add", prefix, "via", Ipv6Twin.address(OracleTopology.HOST_ADDRESS));
    }
    // The twins of 198.18.9.9 and .200: ::9 blackholed, ::c8 without a route.
    ip(HOST, "-6", "route", "add", "blackhole", "2001:db8:9::/121");
    ip(HOST, "-6", "route", "add", "prohibit", "2001:db8:8::/64");
    ip(HOST, "-6", "route", "add", Ipv6Twin.address("198.18.5.0") + "/64", "via", Ipv6Twin.address("198.51.100.66"));
    sysctl(HOST, "net.ipv4.ip_forward=1");
    // Every ICMP error the host owes (port unreachable for UDP, prohibit routes) must be sent:
    // rate limiting would turn a refused attempt into a time-out.
    sysctl(HOST, "net.ipv4.icmp_ratelimit=0");
    sysctl(HOST, "net.ipv6.icmp.ratelimit=0");
    sysctl(HOST, "net.ipv6.conf.all.forwarding=1");
    loopbackThroughTheHost();
    startListeners();
    startProbes();
  }

  /**
   * The attacker sends to 127.0.0.1 over eth0 and to 127.0.0.2 over eth1, as a neighbour on the
   * link can: its own sockets' packets for them (iif lo) are looked up in a table of their own
   * before its local one. It takes the host's answers from a loopback source
   * (route_localnet) that is also its own address (accept_local).
   */
  private void loopbackThroughTheHost() throws IOException {
    for (String setting : List.of("net.ipv4.conf.all.route_localnet=1", "net.ipv4.conf." + OUTSIDE + ".route_localnet=1",
        "net.ipv4.conf." + SECOND_OUTSIDE + ".route_localnet=1", "net.ipv4.conf.all.accept_local=1",
        "net.ipv4.conf." + OUTSIDE + ".accept_local=1", "net.ipv4.conf." + SECOND_OUTSIDE + ".accept_local=1")) {
      sysctl(ATTACKER, setting);
    }
    ip(ATTACKER, "route", "add", OracleTopology.LOOPBACK_BY_ETH0, "via", OracleTopology.HOST_ADDRESS, "dev", OUTSIDE,
        "table", "100");
    ip(ATTACKER, "route", "add", OracleTopology.LOOPBACK_BY_ETH1, "via", OracleTopology.HOST_ETH1_ADDRESS, "dev",
        SECOND_OUTSIDE, "table", "100");
    // The local table's rule comes first (pref 0): it moves behind the two that send 127.0.0.1/.2 away.
    ip(ATTACKER, "rule", "add", "pref", "10", "lookup", "local");
    ip(ATTACKER, "rule", "del", "pref", "0", "lookup", "local");
    for (String to : List.of(OracleTopology.LOOPBACK_BY_ETH0, OracleTopology.LOOPBACK_BY_ETH1)) {
      ip(ATTACKER, "rule", "add", "pref", "5", "to", to, "iif", "lo", "lookup", "100");
    }
  }

  /**
   * The host's forwarding and route_localnet for the next probes: {@link LabSysctls#BASELINE},
   * then {@code settings} in order.
   */
  void hostSysctls(List<String> settings) throws IOException {
    List<String> all = new ArrayList<>(LabSysctls.BASELINE);
    all.addAll(settings);
    for (String s : all) {
      sysctl(HOST, s);
    }
  }

  /**
   * The host's policy routing for the next probes: the rules back to the kernel's defaults and
   * the extra tables emptied, then {@code commands} ({@link LabPolicyRouting}: {@code ip}
   * arguments) in order.
   */
  void policyRouting(List<String> commands) throws IOException {
    // "ip rule flush" keeps only priority 0 (local).
    ip(HOST, "rule", "flush");
    ip(HOST, "rule", "add", "pref", "32766", "lookup", "main");
    ip(HOST, "rule", "add", "pref", "32767", "lookup", "default");
    for (String table : LabPolicyRouting.TABLES) {
      Commands.runQuietly(List.of("ip", "-n", HOST, "route", "flush", "table", table));
    }
    for (String command : commands) {
      ip(HOST, command.split(" "));
    }
  }

  private void addNamespace(String name) throws IOException {
    Commands.run(List.of("ip", "netns", "add", name));
    namespaces.add(name);
    ip(name, "link", "set", "lo", "up");
    // Sources of the far prefix and eth1 arrive asymmetrically: no reverse-path filter anywhere.
    sysctl(name, "net.ipv4.conf.all.rp_filter=0");
    sysctl(name, "net.ipv4.conf.default.rp_filter=0");
    // No duplicate address detection: a tentative address would delay the first attempts.
    sysctl(name, "net.ipv6.conf.all.accept_dad=0");
    sysctl(name, "net.ipv6.conf.default.accept_dad=0");
  }

  private void startListeners() throws IOException {
    // The attacker listens too: for attempts that containers make outwards.
    List<String> outbound = new ArrayList<>(javaIn(ATTACKER, PortListener.class));
    OracleTopology.OUTBOUND_PORTS.forEach(p -> outbound.add(String.valueOf(p)));
    BufferedReader attackerOut = TestJvm.awaitReady(start(outbound), ATTACKER + " listener");
    Thread.ofPlatform().daemon().start(() -> collectDatagrams(attackerOut));
    List<String> ports = OracleTopology.CONTAINER_PORTS.stream().map(String::valueOf).toList();
    for (var c : OracleTopology.CONTAINERS) {
      // Half-open connections must stay visible for a few seconds and never turn into cookies.
      sysctl(c.namespace(), "net.ipv4.tcp_synack_retries=2");
      sysctl(c.namespace(), "net.ipv4.tcp_syncookies=0");
      sysctl(c.namespace(), "net.ipv4.tcp_max_syn_backlog=4096");
      sysctl(c.namespace(), "net.core.somaxconn=4096");
      List<String> command = new ArrayList<>(javaIn(c.namespace(), PortListener.class));
      command.addAll(ports);
      Process p = start(command);
      BufferedReader out = TestJvm.awaitReady(p, c.namespace() + " listener");
      Thread.ofPlatform().daemon().start(() -> collectDatagrams(out));
    }
  }

  private void startProbes() throws IOException {
    List<String> origins = new ArrayList<>(List.of(ATTACKER));
    OracleTopology.CONTAINERS.forEach(c -> origins.add(c.namespace()));
    for (String ns : origins) {
      List<String> command = new ArrayList<>(javaIn(ns, ConnectionProbe.class));
      command.add(String.valueOf(CONNECT_TIMEOUT_MILLIS));
      probes.put(ns, new ProbeProcess(ns, start(command)));
    }
  }

  private static List<String> javaIn(String namespace, Class<?> main) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    command.addAll(TestJvm.command(main));
    return command;
  }

  private Process start(List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private void collectDatagrams(BufferedReader listener) {
    try {
      for (String line = listener.readLine(); line != null; line = listener.readLine()) {
        if (line.startsWith("UDP ")) {
          datagrams.add(line);
        }
      }
    } catch (IOException e) {
      // The listener ended with the lab.
    }
  }

  /** Before any ruleset: with no rules, a container and a closed host port answer. */
  private void checkPlumbing() throws IOException {
    load(LabRulesetGenerator.EMPTY);
    // Every neighbour entry the runs need (ARP, and NDP, which a ruleset could slow down), filled
    // once before anything is measured: a first contact must not cost a case its 500 ms.
    List<ProbeCase> warmUp = new ArrayList<>();
    int port = 19_000;
    List<String> destinations = new ArrayList<>(OracleTopology.HOST_ADDRESSES);
    OracleTopology.CONTAINERS.forEach(c -> destinations.add(c.address()));
    for (String source : OracleTopology.SOURCES) {
      for (String destination : destinations) {
        String in = OracleTopology.ingressFor(destination);
        warmUp.add(new ProbeCase(source, port++, destination, 80, in));
        warmUp.add(new ProbeCase(Ipv6Twin.address(source), port++, Ipv6Twin.address(destination), 80, in));
      }
    }
    probe(warmUp);
    List<ProbeCase> cases = List.of(
        new ProbeCase("198.51.100.66", 19_990, "198.18.0.2", 80, OUTSIDE),
        new ProbeCase("198.18.5.10", 19_991, "198.18.0.4", 3306, OUTSIDE),
        new ProbeCase("198.19.7.66", 19_992, "198.18.0.3", 443, OUTSIDE),
        new ProbeCase("198.51.100.67", 19_993, OracleTopology.HOST_ETH1_ADDRESS, 1, SECOND_OUTSIDE),
        new ProbeCase(Ipv6Twin.address("198.18.5.77"), 19_995, Ipv6Twin.address("198.18.0.3"), 80, OUTSIDE),
        new ProbeCase(Ipv6Twin.address("198.19.7.66"), 19_996, Ipv6Twin.address(OracleTopology.HOST_ETH1_ADDRESS), 1,
            SECOND_OUTSIDE),
        new ProbeCase("198.18.0.2", 19_998, "198.51.100.66", 80, BRIDGE, "tcp", OracleTopology.CONTAINERS.get(0).namespace()),
        new ProbeCase("198.51.100.66", 19_999, "198.18.0.3", 443, OUTSIDE, "udp"));
    List<KernelOutcome> got = probe(cases);
    List<KernelOutcome> want = List.of(KernelOutcome.CONNECTED, KernelOutcome.CONNECTED, KernelOutcome.CONNECTED,
        KernelOutcome.REFUSED, KernelOutcome.CONNECTED, KernelOutcome.REFUSED, KernelOutcome.CONNECTED,
        KernelOutcome.CONNECTED);
    if (!got.equals(want)) {
      throw new IOException("lab plumbing is broken: with no rules, " + cases + " gave " + got + ", expected " + want);
    }
    // A SYN that arrives while the answer is dropped must be seen as half-open, not as a timeout.
    // (The drop goes into filter only: EMPTY's mangle table has a FORWARD chain too.)
    load(LabRulesetGenerator.EMPTY.replace(":OUTPUT ACCEPT [0:0]\nCOMMIT\n*security",
        ":OUTPUT ACCEPT [0:0]\n-A FORWARD -i " + BRIDGE + " -j DROP\nCOMMIT\n*security"));
    List<ProbeCase> halfOpen = List.of(new ProbeCase("198.51.100.66", 19_994, "198.18.0.2", 80, OUTSIDE),
        new ProbeCase(Ipv6Twin.address("198.51.100.66"), 19_997, Ipv6Twin.address("198.18.0.2"), 80, OUTSIDE));
    List<KernelOutcome> seen = probe(halfOpen);
    if (!seen.equals(List.of(KernelOutcome.HALF_OPEN, KernelOutcome.HALF_OPEN))) {
      throw new IOException("lab cannot see half-open connections: " + halfOpen + " gave " + seen + ", expected HALF_OPEN");
    }
  }

  /** Replaces every table of the host namespace with {@code rules} (iptables-restore text). */
  void load(String rules) throws IOException {
    Commands.run(List.of("ip", "netns", "exec", HOST, tool + "-restore"), rules);
    Commands.run(List.of("ip", "netns", "exec", HOST, tool.replaceFirst("iptables", "ip6tables") + "-restore"), Ipv6Twin.ruleset(rules));
  }

  /** The host's reverse-path filter for the next probes ({@code conf.all}; every device's own is 0, so this is the effective mode). */
  void reversePathFilter(int mode) throws IOException {
    sysctl(HOST, "net.ipv4.conf.all.rp_filter=" + mode);
  }

  /** Writes a snapshot directory of the host namespace, as {@code breakwater snapshot} would. */
  void snapshot(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("iptables-save.txt"), Commands.run(List.of("ip", "netns", "exec", HOST, tool + "-save")));
    Files.writeString(dir.resolve("ip-addr.json"), Commands.run(List.of("ip", "-n", HOST, "-j", "addr", "show")));
    Files.writeString(dir.resolve("ip-route.json"), Commands.run(List.of("ip", "-n", HOST, "-4", "-j", "route", "show", "table",
        "all")));
    Files.writeString(dir.resolve("ip-rule.json"), Commands.run(List.of("ip", "-n", HOST, "-4", "-j", "rule", "show")));
    Files.writeString(dir.resolve("ip6-rule.json"), Commands.run(List.of("ip", "-n", HOST, "-6", "-j", "rule", "show")));
    Files.writeString(dir.resolve("ip6tables-save.txt"), Commands.run(List.of("ip", "netns", "exec", HOST, tool.replaceFirst("iptables", "ip6tables") + "-save")));
    Files.writeString(dir.resolve("ip6-route.json"), Commands.run(List.of("ip", "-n", HOST, "-6", "-j", "route", "show", "table",
        "all")));
    Files.writeString(dir.resolve("docker-inspect.json"), "[]\n");
    // The command docs/snapshot.md gives, in the host namespace.
    Files.writeString(dir.resolve("sysctl.txt"), Commands.run(List.of("ip", "netns", "exec", HOST, "sysctl", "-a", "--pattern",
        "^net\\.ipv4\\.(ip_forward|conf\\.[^.]+\\.(route_localnet|forwarding|rp_filter|src_valid_mark|accept_local))$|^net\\.ipv6\\.conf\\.[^.]+\\.(force_)?forwarding$")));
    Files.writeString(dir.resolve("hostname"), HOST + "\n");
  }

  /** Makes every attempt at once from the attacker namespace; one outcome per case, in order. */
  List<KernelOutcome> probe(List<ProbeCase> cases) throws IOException {
    Map<String, Map<Integer, ProbeCase>> byOrigin = new java.util.LinkedHashMap<>();
    for (int i = 0; i < cases.size(); i++) {
      byOrigin.computeIfAbsent(cases.get(i).origin(), o -> new java.util.LinkedHashMap<>()).put(i, cases.get(i));
    }
    // Every namespace's batch at once, then the answers.
    byOrigin.forEach((origin, batch) -> probes.get(origin).send(batch));
    Map<Integer, KernelOutcome> byId = new HashMap<>();
    Map<Integer, String> detail = new HashMap<>();
    for (String origin : byOrigin.keySet()) {
      for (var e : probes.get(origin).receive().entrySet()) {
        byId.put(e.getKey(), KernelOutcome.valueOf(e.getValue()[0]));
        detail.put(e.getKey(), e.getValue()[1]);
      }
    }
    Set<String> halfOpen = byId.containsValue(KernelOutcome.TIMEOUT) ? halfOpenPeers() : Set.of();
    Set<String> datagramsSeen = byId.containsValue(KernelOutcome.TIMEOUT) ? datagramsSeen() : Set.of();
    List<KernelOutcome> out = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      KernelOutcome o = byId.get(i);
      ProbeCase c = cases.get(i);
      Set<String> seen = c.protocol().equals("udp") ? datagramsSeen : halfOpen;
      // Outwards the host may masquerade the source: the unique source port alone tells.
      String key = c.outbound() ? "port " + c.sourcePort() : peer(c.source(), c.sourcePort());
      if (o == KernelOutcome.TIMEOUT && seen.contains(key)) {
        o = KernelOutcome.HALF_OPEN;
      }
      if (o.isHarnessFault()) {
        System.out.println("kernel oracle: harness fault for " + c.describe() + ": " + o + " " + detail.get(i));
      }
      out.add(o);
    }
    return out;
  }

  /**
   * Every peer a container's UDP listener heard from, as its listener reported: a datagram that
   * arrived while the host dropped the answer.
   */
  private Set<String> datagramsSeen() {
    try {
      // The listeners report as they receive; the last datagrams of a batch arrived at least
      // 500 ms ago, their lines may still be on their way through the pipe.
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Set<String> out = new HashSet<>();
    for (String line : datagrams) {
      String[] f = line.split(" ");
      out.add(peer(f[1], Integer.parseInt(f[2])));
      out.add("port " + f[2]);
    }
    return out;
  }

  /** {@code address:port} of every peer a container holds a half-open connection from. */
  private static Set<String> halfOpenPeers() throws IOException {
    Set<String> peers = new HashSet<>();
    List<String> listening = new ArrayList<>(List.of(ATTACKER));
    OracleTopology.CONTAINERS.forEach(c -> listening.add(c.namespace()));
    for (String ns : listening) {
      String ss = Commands.run(List.of("ip", "netns", "exec", ns, "ss", "-Htn", "state", "syn-recv"));
      for (String line : ss.split("\n")) {
        String[] f = line.strip().split("\\s+");
        if (f.length >= 4) {
          // 198.51.100.66:40000, [2001:db8:1::42]:40000, and from Java's dual-stack listeners
          // [::ffff:198.51.100.66]:40000.
          int colon = f[3].lastIndexOf(':');
          String host = f[3].substring(0, colon).replace("[", "").replace("]", "").replace("::ffff:", "");
          peers.add(peer(host, Integer.parseInt(f[3].substring(colon + 1))));
          peers.add("port " + f[3].substring(colon + 1));
        }
      }
    }
    return peers;
  }

  private static String peer(String address, int port) {
    return new IPAddressString(address).getAddress().toCanonicalString() + " " + port;
  }

  private static void ip(String namespace, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
    command.addAll(List.of(args));
    Commands.run(command);
  }

  private static void sysctl(String namespace, String setting) throws IOException {
    Commands.run(List.of("ip", "netns", "exec", namespace, "sysctl", "-qw", setting));
  }

  @Override
  public void close() {
    probes.values().forEach(ProbeProcess::close);
    TestJvm.stop(processes);
    for (String ns : namespaces.reversed()) {
      deleteNamespace(ns);
    }
  }
}
