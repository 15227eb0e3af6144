package dev.breakwater.reach;

import dev.breakwater.docker.DockerClient;
import dev.breakwater.gather.LiveGatherer;
import dev.breakwater.reach.oracle.KernelOutcome;
import dev.breakwater.reach.oracle.PortListener;
import dev.breakwater.reach.oracle.ProbeProcess;
import dev.breakwater.reach.oracle.TestJvm;
import dev.breakwater.system.TestNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A host and a stranger in two namespaces, for rulesets whose answer depends on state the host
 * fills at run time (ipsets, xt_recent lists). The host holds {@value #HOST_ADDRESS}/24 on
 * {@value #OUTSIDE} and listens on TCP {@value #SERVICE_PORT} ({@link PortListener}); the
 * stranger, on the other end of the veth, holds {@value #STRANGERS} addresses from .10 on, one
 * per case, so that no case finds a set or list that an earlier case filled.
 *
 * <p>The host's firewall, ipsets and recent lists live in its own namespace: {@link #clear()}
 * empties them, {@link #close()} ends the listener and the probe and deletes both namespaces
 * (what still runs in them is killed), also after a failed case.
 */
final class KnockLab implements AutoCloseable {
  static final String OUTSIDE = "eth0";
  static final String HOST_ADDRESS = "198.51.100.1";
  static final int SERVICE_PORT = 3306;
  static final int KNOCK_PORT = 7000;
  static final int STRANGERS = 24;
  /** Far longer than a round trip between two namespaces, shorter than TCP's first SYN retransmission (1 s). */
  private static final int CONNECT_TIMEOUT_MILLIS = 500;
  /** What iptables-restore replaces every case's ruleset with: the filter table, empty, accepting. */
  static final String EMPTY = """
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      COMMIT
      """;

  private final List<TestNamespace> namespaces = new ArrayList<>();
  private TestNamespace host;
  private TestNamespace stranger;
  private Process listener;
  private ProbeProcess probe;
  private int nextStranger = 10;
  private int nextSourcePort = 40_000;

  private KnockLab() {}

  static KnockLab up() throws IOException {
    KnockLab lab = new KnockLab();
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
    // The rulesets are iptables' (IPv4).
    return ns.ipv4Only();
  }

  private void build() throws IOException {
    host = namespace();
    stranger = namespace();
    host.ip("link", "add", OUTSIDE, "type", "veth", "peer", "name", OUTSIDE, "netns", stranger.name);
    host.ip("addr", "add", HOST_ADDRESS + "/24", "dev", OUTSIDE);
    host.ip("link", "set", OUTSIDE, "up");
    // A default route, as a real host has: the engine walks the answer's route, and without one
    // only on-link sources get an answer (so does the kernel), not "anywhere".
    host.ip("route", "add", "default", "via", "198.51.100.10");
    for (int i = 0; i < STRANGERS; i++) {
      stranger.ip("addr", "add", "198.51.100." + (10 + i) + "/24", "dev", OUTSIDE);
    }
    stranger.ip("link", "set", OUTSIDE, "up");
    ProcessBuilder pb = new ProcessBuilder(host.command(TestJvm.command(PortListener.class, String.valueOf(SERVICE_PORT))));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    listener = pb.start();
    TestJvm.awaitReady(listener, "the listener in " + host.name);
    probe = ProbeProcess.start(stranger, CONNECT_TIMEOUT_MILLIS);
    // Plumbing, with no ruleset: every stranger address connects (and its neighbour entry is
    // made now, not in a case's 500 ms).
    host.load("iptables-restore", EMPTY);
    for (int i = 0; i < STRANGERS; i++) {
      String source = "198.51.100." + (10 + i);
      KernelOutcome o = connect(source, SERVICE_PORT);
      if (o != KernelOutcome.CONNECTED) {
        throw new IOException("knock lab: with no rules " + source + " -> " + HOST_ADDRESS + ":" + SERVICE_PORT + " gave " + o);
      }
    }
  }

  /** A stranger address no case has used yet. */
  String freshStranger() {
    if (nextStranger >= 10 + STRANGERS) {
      throw new IllegalStateException("knock lab: every one of the " + STRANGERS + " stranger addresses is used");
    }
    return "198.51.100." + nextStranger++;
  }

  /** One real TCP attempt from {@code source} (a stranger address) to the host's {@code port}, from a port never used before. */
  KernelOutcome connect(String source, int port) throws IOException {
    return probe.attempt(source, nextSourcePort++, HOST_ADDRESS, port);
  }

  /** Replaces the host's filter table ({@code iptables-restore}). */
  void load(String rules) {
    host.load("iptables-restore", rules);
  }

  /** {@code ipset ARGS} in the host's namespace (sets are per network namespace). */
  String ipset(String... args) {
    List<String> argv = new ArrayList<>(List.of("ipset"));
    argv.addAll(List.of(args));
    return host.run(argv, "");
  }

  /** The addresses in the host's xt_recent list {@code name}, as /proc/net/xt_recent shows them ({@code src=...}). */
  String recentList(String name) {
    return host.run("cat", "/proc/net/xt_recent/" + name);
  }

  /** A snapshot directory of the host, written by the gatherer {@code breakwater snapshot} uses, run in the host's namespace. */
  LiveGatherer.Result snapshot(Path dir) {
    // No Docker here: a socket path that does not exist gives docker-inspect.json [] and a note.
    DockerClient noDocker = DockerClient.forSocket(dir.resolveSibling(dir.getFileName() + "-no-docker.sock"), Duration.ofSeconds(1));
    return new LiveGatherer(host.runner(), noDocker, dir.resolveSibling(dir.getFileName() + "-no-daemon.json")).gather(dir);
  }

  /**
   * Back to no rules, no sets: the rules go first, since a set a rule refers to cannot be
   * destroyed. xt_recent drops a list with the last rule that names it.
   */
  void clear() {
    host.load("iptables-restore", EMPTY);
    ipset("destroy");
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    if (probe != null) {
      probe.close();
    }
    if (listener != null) {
      TestJvm.stop(List.of(listener));
    }
    // Deleting the namespace takes its ipsets, recent lists and rules with it.
    for (TestNamespace ns : namespaces.reversed()) {
      try {
        ns.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
