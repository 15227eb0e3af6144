package dev.breakwater.lab;

import dev.breakwater.docker.DockerClient;
import dev.breakwater.gather.LiveGatherer;
import dev.breakwater.problem.EnvironmentProblem;
import dev.breakwater.system.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

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
 *
 * <p>This class is the lab's face; the work is done by job: {@link LabNetwork} (namespaces,
 * veth, addresses), {@link LabHost} (mount namespace, UFW, dockerd, image, containers, rules),
 * {@link LabTraffic} (the attacker's probes, a container's connection out) and {@link
 * LabProcesses} (finding and ending the lab's processes).
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
  public static final String OUTSIDE_REPLY = "hello-from-outside";

  private static final Duration SESSION_WAIT = Duration.ofMinutes(10);

  private final Path root;
  private final Consumer<String> progress;
  private final LabNetwork network;
  private final LabHost host;
  private final LabTraffic traffic;
  // Held from up() to down() when this instance brought the lab up; see LabLock.
  private LabLock session;

  public Lab(Path root, Consumer<String> progress) {
    this.root = root;
    this.progress = progress;
    LabProcesses processes = new LabProcesses(progress);
    this.network = new LabNetwork(progress, processes);
    this.host = new LabHost(root, progress, processes);
    this.traffic = new LabTraffic(root, host);
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
    return host.socket();
  }

  public DockerClient docker() {
    return host.docker();
  }

  /** Brings the lab up with {@code scenario}; on any failure removes what it made and rethrows. */
  public synchronized void up(Scenario scenario) {
    LabHost.requireRootAndTools();
    if (session == null) {
      session = LabLock.acquire(SESSION_WAIT, progress);
    }
    if (LabState.load(host.stateFile()).isPresent() || LabNetwork.anyLeft()) {
      progress.accept("removing what a previous lab left behind");
      removeEverything();
    }
    try {
      host.createDirectory();
      LabState state = LabState.started(scenario.name());
      state.save(host.stateFile());
      network.build();
      state = host.startMountNamespace(state);
      state.save(host.stateFile());
      host.startUfw(state, scenario);
      state = host.startDockerd(state);
      state.save(host.stateFile());
      host.importImage();
      host.startContainers(scenario);
      host.applyRules(LabHost.runner(state), scenario.iptables(), scenario.ip6tables());
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
    Optional<LabState> state = LabState.load(host.stateFile());
    host.removeContainers();
    host.stopDockerd(state);
    network.killProcesses();
    host.killMountNamespace(state);
    network.delete();
    host.deleteDirectory();
  }

  /** What is up right now. */
  public LabStatus status() {
    return host.status();
  }

  /** Runs {@code argv} inside the lab host (its network and mount namespaces) or the attacker; returns its exit code. */
  public int exec(boolean attacker, List<String> argv, Duration timeout) {
    CommandRunner runner = attacker ? CommandRunner.inNetns(ATTACKER_NS) : hostRunner();
    if (attacker) {
      LabNetwork.requireAttacker();
    }
    return runner.runInteractive(argv, timeout);
  }

  /** Runs a command in the attacker namespace and returns what it printed. */
  public CommandRunner.Result fromAttacker(List<String> argv, Duration timeout) {
    return CommandRunner.inNetns(ATTACKER_NS).run(argv, timeout);
  }

  /** Runs a command inside the lab host (network and mount namespaces) and returns what it printed. */
  public CommandRunner.Result onHost(List<String> argv, Duration timeout) {
    return hostRunner().run(argv, timeout);
  }

  /**
   * Real TCP connections from the attacker namespace, each from its own source address: the
   * ground truth for what the lab host exposes. Targets must be the lab host's addresses.
   */
  public List<AttackerProbe.Result> probe(List<AttackerProbe.Probe> probes) {
    return traffic.probe(probes);
  }

  /**
   * Connects to 127.0.0.1:{@code port} as a neighbour on the lab host's link would: the
   * attacker's namespace drops its own route for 127.0.0.1, routes it to the lab host instead,
   * and accepts replies from that address (route_localnet, accept_local: settings any attacker
   * controls on their own machine). Docker before 28 DNATs such packets to a container published
   * on 127.0.0.1; Docker 28 drops them in raw PREROUTING. Changes only the attacker namespace.
   */
  public AttackerProbe.Result probeLoopbackAsNeighbour(int port) {
    return traffic.probeLoopbackAsNeighbour(port);
  }

  /**
   * Every TCP port the lab's running containers publish, probed from every attacker address of
   * the same family (IPv4 sources to {@link #HOST_ADDRESS}, IPv6 to {@link #HOST_ADDRESS_V6}).
   */
  public List<AttackerProbe.Result> probeEveryPublishedPort() {
    return traffic.probeEveryPublishedPort();
  }

  /** What a container's own connection to the outside came back with. */
  public record OutboundResult(String container, String containerAddress, String target, int port, String reply) {
    /** True when the outside listener's reply made it back into the container. */
    public boolean answered() {
      return reply.equals(OUTSIDE_REPLY);
    }
  }

  /**
   * A container opens a TCP connection to the outside: a one-shot listener in the attacker
   * namespace on {@code port} (at the attacker's first address) answers {@link #OUTSIDE_REPLY},
   * and {@code container} connects to it with busybox nc through {@code docker exec}. The reply
   * comes back through the lab host's FORWARD chain, so a firewall that drops replies to the
   * containers' own connections shows here as an empty reply.
   */
  public OutboundResult containerConnectsOut(String container, int port) {
    requireUp();
    return traffic.containerConnectsOut(container, port);
  }

  /**
   * Stops the lab's dockerd and starts it again, as {@code systemctl restart docker} does on a
   * host, then starts the containers that stopped with it (as a host's {@code restart: always}
   * would): Docker rebuilds its chains at start, so this is what the persistence tests restart.
   */
  public synchronized void restartDockerd() {
    LabState state = requireUp();
    host.stopDockerd(Optional.of(state));
    LabState restarted = host.startDockerd(state);
    restarted.save(host.stateFile());
    List<String> stopped = host.docker(List.of("ps", "-aq", "--filter", "status=exited")).stdout().lines()
        .filter(l -> !l.isBlank()).toList();
    if (!stopped.isEmpty()) {
      List<String> start = new java.util.ArrayList<>(List.of("start"));
      start.addAll(stopped);
      host.docker(start);
    }
  }

  /** The lab host's private mount namespace ({@code /proc/PID/ns/mnt}), where UFW's copies are mounted. */
  public Path mountNamespace() {
    return LabProcesses.mountNamespace(requireUp().mountHolderPid());
  }

  /** A gatherer that sees the lab host as {@code breakwater snapshot} sees a real one. */
  public LiveGatherer gatherer() {
    return new LiveGatherer(hostRunner(), docker(), root.resolve("daemon.json"));
  }

  /** Writes a snapshot of the lab host; its hostname is the namespace's name so corpora are stable. */
  public LiveGatherer.Result snapshot(Path directory) {
    LiveGatherer.Result result = gatherer().gather(directory);
    new dev.breakwater.gather.SnapshotWriter(directory).write("hostname", HOST_NS + "\n");
    return result;
  }

  /** Runs {@code iptables ARGS} and {@code ip6tables ARGS} for each rule, in order, inside the lab host. */
  public void applyRules(List<List<String>> iptables, List<List<String>> ip6tables) {
    host.applyRules(hostRunner(), iptables, ip6tables);
  }

  private LabState requireUp() {
    return host.running().orElseThrow(() -> new EnvironmentProblem("the lab is not up: run 'sudo breakwater lab up' first"));
  }

  private CommandRunner hostRunner() {
    return LabHost.runner(requireUp());
  }
}
