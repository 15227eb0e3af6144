package dev.breakwater.lab;

import dev.breakwater.problem.EnvironmentProblem;
import dev.breakwater.net.IpFamily;
import dev.breakwater.system.CommandFailed;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.NetworkNamespace;
import dev.breakwater.docker.DockerClient;
import dev.breakwater.gather.LiveGatherer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A disposable Docker host on this machine: network namespace {@code bwl-host} with its own
 * dockerd (socket, data root, exec root) and UFW, joined by a veth "internet" to {@code
 * bwl-attacker}, which holds two IPv4 attacker addresses and one IPv6.
 *
 * <p>UFW and dockerd run in a private mount namespace (kept alive by a holder process) where
 * copies of /etc/ufw, /lib/ufw and /etc/default/ufw are bind-mounted over the originals: the
 * machine's own UFW files, addresses, routes and firewall are never touched.
 *
 * <p>Everything the lab makes is either found by name (the two namespaces, the state
 * directory) or recorded in {@link LabState}, so {@link #down} removes exactly that, and the
 * next {@link #up} cleans up after a crashed run.
 */
public final class Lab {
  /**
   * The names' prefix: {@code bwl}, or another given as {@code -Dbreakwater.lab.prefix=bww} so a
   * developer's lab (namespaces, /run directory, lock) never meets the one other runs use.
   */
  static final String PREFIX = labPrefix();
  public static final String HOST_NS = PREFIX + "-host";
  public static final String ATTACKER_NS = PREFIX + "-attacker";
  public static final String HOST_ADDRESS = "198.51.100.1";
  public static final String HOST_ADDRESS_V6 = "2001:db8:1::1";
  public static final List<String> ATTACKER_ADDRESSES = List.of("198.51.100.66", "198.51.100.67", "2001:db8:1::66");
  public static final String OUTSIDE_INTERFACE = "eth0";
  public static final String IMAGE = "breakwater-lab/busybox:latest";

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DAEMON_START = Duration.ofSeconds(60);
  private static final Duration DAEMON_STOP = Duration.ofSeconds(15);
  private static final List<String> TOOLS = List.of("ip", "ss", "nsenter", "unshare", "setsid", "mount", "cp", "tar", "dockerd", "docker", "ufw", "iptables", "busybox");
  // Docker's default bridge and pools inside 198.18.0.0/15 and 2001:db8::/32, never the machine's networks.
  private static final String DAEMON_JSON = """
      {
          "bip": "198.18.0.1/24",
          "default-address-pools": [{"base": "198.18.16.0/20", "size": 24}],
          "iptables": true,
          "ipv6": true,
          "fixed-cidr-v6": "2001:db8:d0c::/64",
          "ip6tables": true,
          "experimental": true,
          "storage-driver": "vfs"
      }
      """;

  private final Path root;
  private final Namespaces namespaces = new Namespaces();
  private final CommandRunner local = CommandRunner.local();
  private final Consumer<String> progress;
  private static final Duration SESSION_WAIT = Duration.ofMinutes(10);
  // Held from up() to down() when this instance brought the lab up; see LabLock.
  private LabLock session;

  public Lab(Path root, Consumer<String> progress) {
    this.root = root;
    this.progress = progress;
  }

  /** The lab in its usual place, {@code /run/breakwater-lab}. */
  public static Lab standard(Consumer<String> progress) {
    return new Lab(Path.of(PREFIX.equals("bwl") ? "/run/breakwater-lab" : "/run/breakwater-lab-" + PREFIX), progress);
  }

  private static String labPrefix() {
    String prefix = System.getProperty("breakwater.lab.prefix", "bwl");
    if (!prefix.matches("[a-z]{2,8}")) {
      throw new IllegalArgumentException("breakwater.lab.prefix: expected 2-8 lower-case letters, got '" + prefix + "'");
    }
    return prefix;
  }

  /** Where the lab keeps its state, sockets and data; removed by {@link #down}. */
  public Path directory() {
    return root;
  }

  public Path socket() {
    return root.resolve("docker.sock");
  }

  public DockerClient docker() {
    return DockerClient.forSocket(socket(), Duration.ofSeconds(20));
  }

  /** Brings the lab up with {@code scenario}; on any failure removes what it made and rethrows. */
  public synchronized void up(Scenario scenario) {
    requireRoot();
    for (String tool : TOOLS) {
      if (CommandRunner.find(tool).isEmpty()) {
        throw new EnvironmentProblem(tool + " not found: the lab needs iproute2, util-linux, docker.io, ufw, iptables and busybox-static "
            + "(apt-get install iproute2 util-linux docker.io ufw iptables busybox-static)");
      }
    }
    if (session == null) {
      session = LabLock.acquire(SESSION_WAIT, progress);
    }
    if (LabState.load(stateFile()).isPresent() || Namespaces.exists(HOST_NS) || Namespaces.exists(ATTACKER_NS)) {
      progress.accept("removing what a previous lab left behind");
      removeEverything();
    }
    try {
      createDirectories(root);
      LabState state = LabState.started(scenario.name());
      state.save(stateFile());
      buildNetwork();
      state = startMountNamespace(state);
      state.save(stateFile());
      startUfw(state, scenario);
      state = startDockerd(state);
      state.save(stateFile());
      importImage();
      startContainers(scenario);
      applyRules(state, scenario);
    } catch (RuntimeException e) {
      progress.accept("lab up failed, removing what it made");
      try {
        down();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Removes every namespace, process, mount and file the lab made; harmless when nothing is up.
   * Waits for another process's lab session (a test run, a demo) to end first.
   */
  public synchronized void down() {
    LabLock lock = session != null ? session : LabLock.acquire(SESSION_WAIT, progress);
    session = null;
    try {
      removeEverything();
    } finally {
      lock.close();
    }
  }

  private void removeEverything() {
    Optional<LabState> state = LabState.load(stateFile());
    removeContainers();
    state.map(LabState::dockerdPid).filter(pid -> pid > 0).ifPresent(this::stopDockerd);
    readPidFile().ifPresent(this::stopDockerd);
    for (String ns : List.of(HOST_NS, ATTACKER_NS)) {
      for (long pid : namespaces.pids(ns)) {
        killTree(pid);
      }
    }
    state.filter(s -> s.mountHolderPid() > 0).ifPresent(s -> {
      for (long pid : processesInMountNamespace(s.mountNamespace())) {
        killTree(pid);
      }
    });
    namespaces.delete(HOST_NS);
    namespaces.delete(ATTACKER_NS);
    deleteRoot();
  }

  /** What is up right now. */
  public LabStatus status() {
    Optional<LabState> state = LabState.load(stateFile());
    boolean dockerd = state.map(s -> alive(s.dockerdPid())).orElse(false);
    DockerClient docker = docker();
    List<String> containers = new ArrayList<>();
    boolean answers = Files.exists(socket()) && docker.ping();
    if (answers) {
      for (JsonNode c : docker.listContainers(false)) {
        List<String> ports = new ArrayList<>();
        for (JsonNode p : c.path("Ports")) {
          if (p.has("PublicPort")) {
            ports.add(p.path("IP").asString("") + ":" + p.path("PublicPort").asInt() + "->" + p.path("PrivatePort").asInt() + "/" + p.path("Type").asString(""));
          }
        }
        containers.add(c.path("Names").path(0).asString("?").replaceFirst("^/", "") + " " + String.join(", ", ports));
      }
    }
    String ufw = "";
    if (state.isPresent() && alive(state.get().mountHolderPid())) {
      CommandRunner.Result result = hostRunner(state.get()).run(List.of("ufw", "status", "verbose"), COMMAND_TIMEOUT);
      ufw = result.ok() ? result.stdout().strip() : result.stderr().strip();
    }
    return new LabStatus(Namespaces.exists(HOST_NS), Namespaces.exists(ATTACKER_NS), state.map(LabState::scenario), dockerd, answers, containers, ufw);
  }

  /** Runs {@code argv} inside the lab host (its network and mount namespaces) or the attacker; returns its exit code. */
  public int exec(boolean attacker, List<String> argv, Duration timeout) {
    CommandRunner runner = attacker ? CommandRunner.inNetns(ATTACKER_NS) : hostRunner(requireUp());
    if (attacker && !Namespaces.exists(ATTACKER_NS)) {
      throw new EnvironmentProblem("the lab is not up: run 'sudo breakwater lab up' first");
    }
    return runner.runInteractive(argv, timeout);
  }

  /** Runs a command in the attacker namespace and returns what it printed. */
  public CommandRunner.Result fromAttacker(List<String> argv, Duration timeout) {
    return CommandRunner.inNetns(ATTACKER_NS).run(argv, timeout);
  }

  /** Runs a command inside the lab host (network and mount namespaces) and returns what it printed. */
  public CommandRunner.Result onHost(List<String> argv, Duration timeout) {
    return hostRunner(requireUp()).run(argv, timeout);
  }

  /**
   * Real TCP connections from the attacker namespace, each from its own source address: the
   * ground truth for what the lab host exposes. Targets must be the lab host's addresses.
   */
  public List<AttackerProbe.Result> probe(List<AttackerProbe.Probe> probes) {
    if (!Namespaces.exists(ATTACKER_NS)) {
      throw new EnvironmentProblem("the lab is not up: run 'sudo breakwater lab up' first");
    }
    for (AttackerProbe.Probe p : probes) {
      if (!p.target().equals(HOST_ADDRESS) && !p.target().equals(HOST_ADDRESS_V6)) {
        throw new IllegalArgumentException("probes go to the lab host only, not " + p.target());
      }
    }
    return runProbes(probes);
  }

  private List<AttackerProbe.Result> runProbes(List<AttackerProbe.Probe> probes) {
    if (probes.isEmpty()) {
      return List.of();
    }
    // The JVM's own binary and class path: the probe is this program, started in the attacker's namespace.
    List<String> argv = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"),
        AttackerProbe.class.getName()));
    argv.addAll(AttackerProbe.arguments(probes));
    CommandRunner.Result result = CommandRunner.inNetns(ATTACKER_NS).run(argv, Duration.ofSeconds(60));
    check(result, "the attacker's probe");
    return result.stdout().lines().filter(l -> !l.isBlank()).map(AttackerProbe::parseLine).toList();
  }

  /**
   * Connects to 127.0.0.1:{@code port} as a neighbour on the lab host's link would: the
   * attacker's namespace drops its own route for 127.0.0.1, routes it to the lab host instead,
   * and accepts replies from that address (route_localnet, accept_local: settings any attacker
   * controls on their own machine). Docker before 28 DNATs such packets to a container published
   * on 127.0.0.1; Docker 28 drops them in raw PREROUTING. Changes only the attacker namespace.
   */
  public AttackerProbe.Result probeLoopbackAsNeighbour(int port) {
    if (!Namespaces.exists(ATTACKER_NS)) {
      throw new EnvironmentProblem("the lab is not up: run 'sudo breakwater lab up' first");
    }
    CommandRunner attacker = CommandRunner.inNetns(ATTACKER_NS);
    CommandRunner.Result route = attacker.run(List.of("ip", "-4", "route", "show", "table", "local", "127.0.0.1/32"), COMMAND_TIMEOUT);
    if (route.stdout().contains("local")) {
      check(attacker.run(List.of("sysctl", "-q", "-w", "net.ipv4.conf.all.route_localnet=1", "net.ipv4.conf." + OUTSIDE_INTERFACE + ".route_localnet=1",
          "net.ipv4.conf.all.accept_local=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf." + OUTSIDE_INTERFACE + ".rp_filter=0"), COMMAND_TIMEOUT), "attacker sysctl");
      check(attacker.run(List.of("ip", "route", "del", "local", "127.0.0.1", "table", "local"), COMMAND_TIMEOUT), "attacker: removing its local 127.0.0.1");
      check(attacker.run(List.of("ip", "route", "add", "127.0.0.1/32", "via", HOST_ADDRESS, "dev", OUTSIDE_INTERFACE, "src", ATTACKER_ADDRESSES.getFirst()),
          COMMAND_TIMEOUT), "attacker: routing 127.0.0.1 to the lab host");
    }
    return runProbes(List.of(new AttackerProbe.Probe(ATTACKER_ADDRESSES.getFirst(), "127.0.0.1", port))).getFirst();
  }

  /**
   * Every TCP port the lab's running containers publish, probed from every attacker address of
   * the same family (IPv4 sources to {@link #HOST_ADDRESS}, IPv6 to {@link #HOST_ADDRESS_V6}).
   */
  public List<AttackerProbe.Result> probeEveryPublishedPort() {
    java.util.TreeSet<Integer> ports = new java.util.TreeSet<>();
    for (JsonNode c : docker().listContainers(false)) {
      for (JsonNode p : c.path("Ports")) {
        if (p.has("PublicPort") && p.path("Type").asString("").equals("tcp")) {
          ports.add(p.path("PublicPort").asInt());
        }
      }
    }
    List<AttackerProbe.Probe> probes = new ArrayList<>();
    for (int port : ports) {
      for (String source : ATTACKER_ADDRESSES) {
        probes.add(new AttackerProbe.Probe(source, source.contains(":") ? HOST_ADDRESS_V6 : HOST_ADDRESS, port));
      }
    }
    return probe(probes);
  }

  /** What a container's own connection to the outside came back with. */
  public record OutboundResult(String container, String containerAddress, String target, int port, String reply) {
    /** True when the outside listener's reply made it back into the container. */
    public boolean answered() {
      return reply.equals(OUTSIDE_REPLY);
    }
  }

  public static final String OUTSIDE_REPLY = "hello-from-outside";
  private static final java.util.regex.Pattern CONTAINER_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  /**
   * A container opens a TCP connection to the outside: a one-shot listener in the attacker
   * namespace on {@code port} (at the attacker's first address) answers {@link #OUTSIDE_REPLY},
   * and {@code container} connects to it with busybox nc through {@code docker exec}. The reply
   * comes back through the lab host's FORWARD chain, so a firewall that drops replies to the
   * containers' own connections shows here as an empty reply.
   */
  public OutboundResult containerConnectsOut(String container, int port) {
    requireUp();
    if (!CONTAINER_NAME.matcher(container).matches()) {
      throw new IllegalArgumentException("not a container name: " + container);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("not a TCP port: " + port);
    }
    String target = ATTACKER_ADDRESSES.getFirst();
    String address = docker().inspect(container).path("NetworkSettings").path("IPAddress").asString("?");
    CommandRunner attacker = CommandRunner.inNetns(ATTACKER_NS);
    Process listener = startDetached(attacker.command(List.of("busybox", "nc", "-l", "-p", Integer.toString(port), "-e", "echo", OUTSIDE_REPLY)),
        root.resolve("outside-listener.log"));
    try {
      awaitListening(attacker, port, listener);
      CommandRunner.Result result = docker(List.of("exec", container, "nc", "-w", "3", target, Integer.toString(port)));
      String reply = result.stdout().lines().findFirst().orElse("").strip();
      return new OutboundResult(container, address, target, port, reply);
    } finally {
      listener.descendants().forEach(ProcessHandle::destroyForcibly);
      listener.destroyForcibly();
      awaitExit(listener.toHandle(), Duration.ofSeconds(5));
    }
  }

  private static void awaitListening(CommandRunner attacker, int port, Process listener) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && listener.isAlive()) {
      CommandRunner.Result ss = attacker.run(List.of("ss", "-Hltn", "sport", "=", ":" + port), COMMAND_TIMEOUT);
      if (ss.ok() && !ss.stdout().isBlank()) {
        return;
      }
      sleep(50);
    }
    throw new LabException("the listener in " + ATTACKER_NS + " did not start listening on port " + port);
  }

  /** A gatherer that sees the lab host as {@code breakwater snapshot} sees a real one. */
  public LiveGatherer gatherer() {
    return new LiveGatherer(hostRunner(requireUp()), docker(), root.resolve("daemon.json"));
  }

  /** Writes a snapshot of the lab host; its hostname is the namespace's name so corpora are stable. */
  public LiveGatherer.Result snapshot(Path directory) {
    LiveGatherer.Result result = gatherer().gather(directory);
    new dev.breakwater.gather.SnapshotWriter(directory).write("hostname", HOST_NS + "\n");
    return result;
  }

  private LabState requireUp() {
    return LabState.load(stateFile())
        .filter(s -> alive(s.mountHolderPid()))
        .orElseThrow(() -> new EnvironmentProblem("the lab is not up: run 'sudo breakwater lab up' first"));
  }

  private CommandRunner hostRunner(LabState state) {
    return CommandRunner.inNetns(HOST_NS).withMountNamespace(Path.of("/proc", Long.toString(state.mountHolderPid()), "ns", "mnt"));
  }

  private void buildNetwork() {
    progress.accept("namespaces " + HOST_NS + " and " + ATTACKER_NS + ", veth " + HOST_ADDRESS + " <-> " + String.join(", ", ATTACKER_ADDRESSES));
    namespaces.add(HOST_NS);
    namespaces.add(ATTACKER_NS);
    namespaces.vethBetween(HOST_NS, "bwl-h0", OUTSIDE_INTERFACE, ATTACKER_NS, "bwl-a0", OUTSIDE_INTERFACE);
    namespaces.up(HOST_NS, "lo");
    namespaces.up(ATTACKER_NS, "lo");
    namespaces.address(HOST_NS, OUTSIDE_INTERFACE, HOST_ADDRESS + "/24");
    namespaces.address(HOST_NS, OUTSIDE_INTERFACE, HOST_ADDRESS_V6 + "/64");
    for (String address : ATTACKER_ADDRESSES) {
      namespaces.address(ATTACKER_NS, OUTSIDE_INTERFACE, address + (address.contains(":") ? "/64" : "/24"));
    }
    namespaces.up(HOST_NS, OUTSIDE_INTERFACE);
    namespaces.up(ATTACKER_NS, OUTSIDE_INTERFACE);
    // Replies from the host (and from containers, after masquerade) go back out to the attacker side.
    namespaces.defaultRoute(HOST_NS, ATTACKER_ADDRESSES.getFirst());
    namespaces.defaultRoute(HOST_NS, ATTACKER_ADDRESSES.getLast());
  }

  private LabState startMountNamespace(LabState state) {
    progress.accept("private mount namespace for UFW and dockerd");
    String ours = readLink(Path.of("/proc/self/ns/mnt")).orElseThrow();
    Process holder = startDetached(List.of("unshare", "--mount", "--propagation", "private", "sleep", "infinity"), root.resolve("holder.log"));
    Path link = Path.of("/proc", Long.toString(holder.pid()), "ns", "mnt");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> theirs = readLink(link);
      if (theirs.isPresent() && !theirs.get().equals(ours)) {
        return state.withMountHolder(holder.pid(), theirs.get());
      }
      if (!holder.isAlive()) {
        break;
      }
      sleep(20);
    }
    throw new LabException("unshare --mount did not create a mount namespace (see " + root.resolve("holder.log") + ")");
  }

  private void startUfw(LabState state, Scenario scenario) {
    progress.accept("UFW inside the lab: default " + scenario.ufwDefaultIncoming() + " incoming, allow " + String.join(", ", scenario.ufwAllow()));
    Path copies = root.resolve("ufw");
    List<String[]> binds = List.of(
        new String[] {"/etc/ufw", "etc-ufw"}, new String[] {"/lib/ufw", "lib-ufw"}, new String[] {"/etc/default/ufw", "default-ufw"});
    CommandRunner inMounts = CommandRunner.local().withMountNamespace(Path.of("/proc", Long.toString(state.mountHolderPid()), "ns", "mnt"));
    createDirectories(copies);
    for (String[] bind : binds) {
      Path copy = copies.resolve(bind[1]);
      check(local.run(List.of("cp", "-a", "--", bind[0], copy.toString()), COMMAND_TIMEOUT), "copying " + bind[0]);
      check(inMounts.run(List.of("mount", "--bind", copy.toString(), bind[0]), COMMAND_TIMEOUT), "bind-mounting the copy of " + bind[0]);
    }
    CommandRunner ufw = hostRunner(state);
    // Start from UFW's packaged rules, not from whatever this machine's admin configured.
    check(ufw.run(List.of("ufw", "--force", "reset"), COMMAND_TIMEOUT), "ufw reset");
    check(ufw.run(List.of("ufw", "default", scenario.ufwDefaultIncoming(), "incoming"), COMMAND_TIMEOUT), "ufw default incoming");
    check(ufw.run(List.of("ufw", "default", "allow", "outgoing"), COMMAND_TIMEOUT), "ufw default outgoing");
    check(ufw.run(List.of("ufw", "default", "deny", "routed"), COMMAND_TIMEOUT), "ufw default routed");
    for (String rule : scenario.ufwAllow()) {
      check(ufw.run(List.of("ufw", "allow", rule), COMMAND_TIMEOUT), "ufw allow " + rule);
    }
    check(ufw.run(List.of("ufw", "--force", "enable"), COMMAND_TIMEOUT), "ufw enable");
  }

  private LabState startDockerd(LabState state) {
    progress.accept("dockerd in " + HOST_NS + " on " + socket());
    writeFile(root.resolve("daemon.json"), DAEMON_JSON);
    List<String> argv = new ArrayList<>(hostRunner(state).command(List.of("dockerd")));
    argv.addAll(List.of(
        "--config-file", root.resolve("daemon.json").toString(),
        "--host", "unix://" + socket(),
        "--data-root", root.resolve("data").toString(),
        "--exec-root", root.resolve("exec").toString(),
        "--pidfile", root.resolve("dockerd.pid").toString()));
    Process dockerd = startDetached(argv, root.resolve("dockerd.log"));
    LabState withDockerd = state.withDockerd(dockerd.pid());
    withDockerd.save(stateFile());
    long deadline = System.nanoTime() + DAEMON_START.toNanos();
    DockerClient docker = docker();
    while (System.nanoTime() < deadline) {
      if (!dockerd.isAlive()) {
        throw new LabException("dockerd exited with " + dockerd.exitValue() + ": " + tail(root.resolve("dockerd.log")));
      }
      if (Files.exists(socket()) && docker.ping()) {
        return withDockerd;
      }
      sleep(100);
    }
    throw new LabException("dockerd did not answer within " + DAEMON_START.toSeconds() + "s: " + tail(root.resolve("dockerd.log")));
  }

  private void importImage() {
    progress.accept("image " + IMAGE + " from this machine's busybox (no registry)");
    Path tree = root.resolve("image");
    Path bin = tree.resolve("bin");
    createDirectories(bin);
    Path busybox = CommandRunner.find("busybox").orElseThrow();
    check(local.run(List.of("cp", "--", busybox.toString(), bin.resolve("busybox").toString()), COMMAND_TIMEOUT), "copying busybox");
    CommandRunner.Result applets = local.run(List.of(busybox.toString(), "--list"), COMMAND_TIMEOUT);
    check(applets, "busybox --list");
    try {
      for (String applet : applets.stdout().split("\\s+")) {
        if (applet.matches("[a-z0-9_.\\[-]+") && !applet.equals("busybox")) {
          Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
      }
      Files.createDirectories(tree.resolve("tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path tar = root.resolve("image.tar");
    check(local.run(List.of("tar", "-C", tree.toString(), "-cf", tar.toString(), "."), COMMAND_TIMEOUT), "tar of the image");
    check(docker(List.of("import", tar.toString(), IMAGE)), "docker import");
  }

  private void startContainers(Scenario scenario) {
    for (Scenario.LabContainer container : scenario.containers()) {
      progress.accept("container " + container.name() + " " + String.join(" ", container.ports()) + " : " + String.join(" ", container.command()));
      List<String> argv = new ArrayList<>(List.of("run", "-d", "--name", container.name()));
      container.ports().forEach(p -> argv.addAll(List.of("-p", p)));
      container.labels().forEach((k, v) -> argv.addAll(List.of("--label", k + "=" + v)));
      argv.add(IMAGE);
      argv.addAll(container.command());
      check(docker(argv), "starting container " + container.name());
    }
  }

  private void applyRules(LabState state, Scenario scenario) {
    applyRules(hostRunner(state), scenario.iptables(), scenario.ip6tables());
  }

  /** Runs {@code iptables ARGS} and {@code ip6tables ARGS} for each rule, in order, inside the lab host. */
  public void applyRules(List<List<String>> iptables, List<List<String>> ip6tables) {
    applyRules(hostRunner(requireUp()), iptables, ip6tables);
  }

  private void applyRules(CommandRunner host, List<List<String>> iptables, List<List<String>> ip6tables) {
    NetfilterTools firewall = new NetfilterTools(host);
    for (IpFamily family : IpFamily.values()) {
      for (List<String> rule : family == IpFamily.V4 ? iptables : ip6tables) {
        String shown = NetfilterTools.Tool.iptables(family).command() + " " + String.join(" ", rule);
        progress.accept(shown);
        try {
          firewall.iptables(family, rule);
        } catch (CommandFailed e) {
          throw new LabException(e.getMessage());
        }
      }
    }
  }

  private CommandRunner.Result docker(List<String> args) {
    List<String> argv = new ArrayList<>(List.of("docker", "-H", "unix://" + socket()));
    argv.addAll(args);
    return local.run(argv, COMMAND_TIMEOUT);
  }

  private void removeContainers() {
    if (!Files.exists(socket()) || !docker().ping()) {
      return;
    }
    List<String> ids = new ArrayList<>();
    docker().listContainers(true).forEach(c -> ids.add(c.path("Id").asString("")));
    if (!ids.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("rm", "-f"));
      argv.addAll(ids);
      docker(argv); // Best effort: whatever survives is killed with the daemon's process tree.
    }
  }

  private void stopDockerd(long pid) {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !inNamespace(pid, HOST_NS)) {
      return; // Gone, or the pid was reused by a process that is not ours.
    }
    progress.accept("stopping dockerd " + pid);
    List<ProcessHandle> tree = Stream.concat(process.get().descendants(), Stream.of(process.get())).toList();
    process.get().destroy();
    if (!awaitExit(process.get(), DAEMON_STOP)) {
      progress.accept("dockerd did not stop in " + DAEMON_STOP.toSeconds() + "s, killing it");
    }
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  private void killTree(long pid) {
    ProcessHandle.of(pid).ifPresent(p -> {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      if (!awaitExit(p, Duration.ofSeconds(5))) {
        progress.accept("process " + pid + " did not exit after SIGKILL");
      }
    });
  }

  // onExit() of a process that is not our child polls with a growing interval (seconds late);
  // the lab's daemons were started by an earlier 'lab up', so poll briskly here instead.
  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (process.isAlive() && !zombie(process.pid())) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(20);
    }
    return true;
  }

  // A killed orphan stays a zombie until init reaps it, which some inits do only now and then.
  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int end = stat.lastIndexOf(')');
      return end > 0 && stat.length() > end + 2 && stat.charAt(end + 2) == 'Z';
    } catch (IOException e) {
      return true; // Gone already.
    }
  }

  private static boolean inNamespace(long pid, String ns) {
    Optional<String> theirs = readLink(Path.of("/proc", Long.toString(pid), "ns", "net"));
    try {
      String expected = "net:[" + Files.getAttribute(new NetworkNamespace(ns).path(), "unix:ino") + "]";
      return theirs.isPresent() && theirs.get().equals(expected);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static List<Long> processesInMountNamespace(String namespace) {
    if (namespace.isEmpty()) {
      return List.of();
    }
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.map(p -> p.getFileName().toString())
          .filter(name -> name.matches("\\d+"))
          .filter(pid -> readLink(Path.of("/proc", pid, "ns", "mnt")).filter(namespace::equals).isPresent())
          .map(Long::parseLong)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Optional<Long> readPidFile() {
    try {
      Path file = root.resolve("dockerd.pid");
      return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).strip())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void deleteRoot() {
    if (!Files.exists(root)) {
      return;
    }
    // Mounts made by the lab live in its private namespace; one here would mean deleting through it.
    try {
      String prefix = root.toRealPath() + "/";
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] fields = line.split(" ");
        if (fields.length > 4 && (fields[4] + "/").startsWith(prefix)) {
          throw new LabException("refusing to delete " + root + ": " + fields[4] + " is mounted inside it");
        }
      }
    } catch (IOException e) {
      throw new LabException("cannot check the mounts under " + root + ": " + e.getMessage());
    }
    // A process of the lab that was killed a moment ago may still be finishing a write under the
    // exec root: a directory that is not empty yet, or a file that vanished, is tried again.
    IOException last = null;
    for (int attempt = 0; attempt < 10 && Files.exists(root); attempt++) {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      } catch (IOException | UncheckedIOException e) {
        last = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
        sleep(200);
      }
    }
    if (Files.exists(root)) {
      throw new LabException("cannot remove " + root + " (" + (last == null ? "still there" : last) + "): remove it by hand, or run 'sudo breakwater lab down' again");
    }
  }

  private Path stateFile() {
    return root.resolve("state.json");
  }

  /** Starts {@code argv} in a session of its own (see {@link CommandRunner#startDetached}). */
  private static Process startDetached(List<String> argv, Path log) {
    return CommandRunner.local().startDetached(argv, log);
  }

  private static void check(CommandRunner.Result result, String what) {
    if (!result.ok()) {
      throw new LabException(what + " failed (exit " + result.exitCode() + "): " + (result.stderr() + result.stdout()).strip());
    }
  }

  private static void requireRoot() {
    if (!CommandRunner.runningAsRoot()) {
      throw new EnvironmentProblem("the lab needs root (network namespaces, mounts, dockerd): run 'sudo breakwater lab up'");
    }
  }

  private static boolean alive(long pid) {
    return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static Optional<String> readLink(Path link) {
    try {
      return Optional.of(Files.readSymbolicLink(link).toString());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeFile(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted");
    }
  }
}
