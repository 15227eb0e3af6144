package dev.breakwater.firewall;

import dev.breakwater.docker.TestDockerd;
import dev.breakwater.net.IpFamily;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's firewalld, running on the firewall of a {@link TestNamespace} and nowhere else: its
 * processes (a {@code dbus-daemon --system} of its own, then firewalld) run in that network
 * namespace and in a private mount namespace ({@link TestDockerd#mountHolder}, as the lab's
 * dockerd; every process enters both by nsenter) where {@code /run} is a fresh tmpfs, so the bus socket
 * ({@code /run/dbus/system_bus_socket}, where firewalld and firewall-cmd look for the system bus)
 * and firewalld's pid file ({@code /run/firewalld.pid}) and temp dir ({@code /run/firewalld}) are
 * not the machine's, and {@code /etc/firewalld} is a bind-mounted copy with the chosen
 * {@code FirewallBackend}. firewall-cmd runs only through {@link #firewallCmd}, in the same two
 * namespaces, so it can reach no other firewalld. The bus has no service directories: nothing is
 * started by D-Bus activation.
 *
 * <p>{@link #rootFirewall()} is the root namespace's ruleset (iptables-save, ip6tables-save,
 * {@code nft -s list ruleset}): a test compares it before and after. firewalld and firewall-cmd
 * get {@code DBUS_SYSTEM_BUS_ADDRESS} set to the lab's socket, never inherited.
 */
public final class FirewalldLab implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Path FIREWALLD = Path.of("/usr/sbin/firewalld");
  // Named, not inherited: a DBUS_SYSTEM_BUS_ADDRESS in the test's environment would point firewalld
  // and firewall-cmd at another bus (dbus(7): the variable overrides the default system bus path).
  private static final List<String> OWN_BUS = List.of("env", "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket");
  // A system bus for root only, with no activation (no <servicedir>, no <standard_system_servicedirs/>)
  // and no policy beyond "root may own and call anything": firewalld's own
  // /usr/share/dbus-1/system.d/FirewallD.conf would allow the same for root.
  private static final String BUS_CONFIG = """
      <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
       "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
      <busconfig>
        <type>system</type>
        <listen>unix:path=/run/dbus/system_bus_socket</listen>
        <auth>EXTERNAL</auth>
        <policy context="default">
          <allow user="root"/>
          <allow own="*"/>
          <allow send_type="method_call"/>
          <allow send_type="signal"/>
          <allow send_requested_reply="true" send_type="method_return"/>
          <allow send_requested_reply="true" send_type="error"/>
          <allow receive_type="method_call"/>
          <allow receive_type="method_return"/>
          <allow receive_type="error"/>
          <allow receive_type="signal"/>
        </policy>
      </busconfig>
      """;

  /** firewalld.conf's {@code FirewallBackend}. */
  public enum Backend {
    NFTABLES("nftables"), IPTABLES("iptables");

    public final String conf;

    Backend(String conf) {
      this.conf = conf;
    }
  }

  private final TestNamespace ns;
  private final Path dir;
  private final Process holder;
  private final Path mnt;
  private final Process bus;
  private Process firewalld;

  private FirewalldLab(TestNamespace ns, Path dir, Process holder, Path mnt, Process bus) {
    this.ns = ns;
    this.dir = dir;
    this.holder = holder;
    this.mnt = mnt;
    this.bus = bus;
  }

  /** Whether this machine has what the lab needs (firewalld, firewall-cmd, dbus-daemon, unshare). */
  public static boolean installed() {
    return Files.isExecutable(FIREWALLD) && CommandRunner.find("firewall-cmd").isPresent()
        && CommandRunner.find("dbus-daemon").isPresent() && CommandRunner.find("unshare").isPresent();
  }

  /**
   * The bus and the mount namespace for {@code ns}, with {@code /etc/firewalld} a copy in
   * {@code dir} set to {@code backend}; firewalld itself is started by {@link #startFirewalld()}.
   */
  public static FirewalldLab prepare(TestNamespace ns, Path dir, Backend backend) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path etc = dir.resolve("etc-firewalld");
    TestNamespace.host(List.of("cp", "-a", "--", "/etc/firewalld", etc.toString()));
    Path conf = etc.resolve("firewalld.conf");
    List<String> lines = new ArrayList<>();
    boolean set = false;
    for (String line : Files.readAllLines(conf)) {
      if (line.startsWith("FirewallBackend=")) {
        line = "FirewallBackend=" + backend.conf;
        set = true;
      }
      lines.add(line);
    }
    if (!set) {
      lines.add("FirewallBackend=" + backend.conf);
    }
    Files.write(conf, lines);
    Path busConfig = Files.writeString(dir.resolve("bus.conf"), BUS_CONFIG);

    // Every process of the lab enters both namespaces by nsenter (--net, --mount); the holder only keeps the mount one.
    Process holder = TestDockerd.mountHolder();
    Path mnt = Path.of(TestDockerd.mountNamespace(holder));
    Process bus;
    try {
      if (Files.readSymbolicLink(mnt).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")))) {
        throw new IllegalStateException("unshare --mount did not start a mount namespace (pid " + holder.pid() + ")");
      }
      // Only in the private mount namespace: the machine's /run and /etc/firewalld stay as they are.
      ns.run(mnt, List.of("mount", "-t", "tmpfs", "-o", "mode=0755", "breakwater-firewalld-run", "/run"));
      ns.run(mnt, List.of("mkdir", "-p", "/run/dbus"));
      ns.run(mnt, List.of("mount", "--bind", etc.toString(), "/etc/firewalld"));
      bus = ns.start(mnt, dir.resolve("dbus.log"),
          List.of("dbus-daemon", "--config-file=" + busConfig, "--nofork", "--nopidfile"));
    } catch (IOException | RuntimeException e) {
      holder.destroyForcibly(); // its mount namespace (and the mounts above) goes with it
      throw e;
    }
    FirewalldLab lab = new FirewalldLab(ns, dir, holder, mnt, bus);
    Path socket = Path.of("/proc/" + holder.pid() + "/root/run/dbus/system_bus_socket");
    Instant deadline = Instant.now().plusSeconds(20);
    while (!Files.exists(socket)) {
      if (Instant.now().isAfter(deadline) || !bus.isAlive()) {
        lab.close();
        throw new IllegalStateException("dbus-daemon did not create " + socket + ": " + lab.log("dbus.log"));
      }
      Thread.sleep(20);
    }
    return lab;
  }

  /** Starts firewalld (as {@code systemctl start firewalld} would) and waits until it says it is running. */
  public void startFirewalld() throws IOException, InterruptedException {
    if (firewalld != null && firewalld.isAlive()) {
      throw new IllegalStateException("firewalld runs already");
    }
    List<String> argv = new ArrayList<>(OWN_BUS);
    argv.addAll(List.of(FIREWALLD.toString(), "--nofork", "--log-target", "file", "--log-file", dir.resolve("firewalld.log").toString()));
    firewalld = ns.start(mnt, dir.resolve("firewalld.out"), argv);
    Instant deadline = Instant.now().plus(STARTUP);
    while (true) {
      CommandRunner.Result state = ns.attempt(mnt, firewallCmdArgv("--state"));
      if (state.ok() && state.stdout().strip().equals("running")) {
        return;
      }
      if (!firewalld.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("firewalld did not start (" + state.stdout().strip() + state.stderr().strip() + "): "
            + log("firewalld.log") + log("firewalld.out"));
      }
      Thread.sleep(100);
    }
  }

  /**
   * Stops firewalld with SIGTERM, as {@code systemctl stop firewalld} does (firewalld.service has
   * no ExecStop), and waits for it to finish its clean-up.
   */
  public void stopFirewalld() throws InterruptedException {
    firewalld.destroy();
    if (!firewalld.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("firewalld did not stop within 30 s: " + log("firewalld.log"));
    }
  }

  /** {@code firewall-cmd ARGS} against this lab's firewalld; any exit but 0 is a failure. */
  public String firewallCmd(String... args) {
    return ns.run(mnt, firewallCmdArgv(args));
  }

  private static List<String> firewallCmdArgv(String... args) {
    List<String> argv = new ArrayList<>(OWN_BUS);
    argv.add("firewall-cmd");
    argv.addAll(List.of(args));
    return argv;
  }

  /** One of the lab's log files, for a failure message. */
  public String log(String name) {
    try {
      Path file = dir.resolve(name);
      return Files.exists(file) ? "\n--- " + name + "\n" + Files.readString(file) : "";
    } catch (IOException e) {
      return "\n--- " + name + ": " + e.getMessage();
    }
  }

  /**
   * The root namespace's whole ruleset without what moves with its traffic: iptables-save and
   * ip6tables-save of every table without their timestamped comment lines and chain counters, and
   * {@code nft -s list ruleset} (stateless: no counters).
   */
  public static String rootFirewall() {
    NetfilterTools root = NetfilterTools.host();
    StringBuilder all = new StringBuilder();
    for (IpFamily family : IpFamily.values()) {
      root.saveAll(family).lines().filter(l -> !l.startsWith("#"))
          .forEach(l -> all.append(l.replaceAll("\\[\\d+:\\d+\\]", "")).append('\n'));
    }
    if (NetfilterTools.Tool.NFT.installed()) {
      all.append(TestNamespace.host(List.of("nft", "-s", "list", "ruleset")));
    }
    return all.toString();
  }

  /** firewalld (its clean-up runs: CleanupOnExit), the bus, then the mount namespace's last process. */
  @Override
  public void close() {
    try {
      if (firewalld != null && firewalld.isAlive()) {
        stopFirewalld();
      }
    } catch (InterruptedException | IllegalStateException e) {
      firewalld.destroyForcibly();
    } finally {
      for (Process process : new Process[] {bus, holder}) {
        process.destroy();
        try {
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
