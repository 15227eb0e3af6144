package dev.breakwater.lab;

import static dev.breakwater.lab.Lab.ATTACKER_NS;
import static dev.breakwater.lab.Lab.HOST_NS;
import static dev.breakwater.lab.Lab.IMAGE;

import dev.breakwater.docker.DockerClient;
import dev.breakwater.net.IpFamily;
import dev.breakwater.problem.EnvironmentProblem;
import dev.breakwater.system.CommandFailed;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.NetfilterTools;
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
 * The lab host's inside, under the lab's directory: the private mount namespace and its holder,
 * UFW on bind-mounted copies of its files, dockerd (start, stop), the busybox image, the
 * scenario's containers and rules, and removing all of that again.
 */
final class LabHost {
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DAEMON_START = Duration.ofSeconds(60);
  private static final Duration DAEMON_STOP = Duration.ofSeconds(15);
  private static final List<String> TOOLS = List.of("ip", "ss", "nsenter", "unshare", "setsid", "mount", "cp", "tar", "dockerd", "docker", "ufw",
      NetfilterTools.Tool.IPTABLES.command(), "busybox");
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
  private final Consumer<String> progress;
  private final LabProcesses processes;
  private final CommandRunner local = CommandRunner.local();

  LabHost(Path root, Consumer<String> progress, LabProcesses processes) {
    this.root = root;
    this.progress = progress;
    this.processes = processes;
  }

  /** @throws EnvironmentProblem when not root or a tool the lab runs is missing */
  static void requireRootAndTools() {
    if (!CommandRunner.runningAsRoot()) {
      throw new EnvironmentProblem("the lab needs root (network namespaces, mounts, dockerd): run 'sudo breakwater lab up'");
    }
    for (String tool : TOOLS) {
      if (CommandRunner.find(tool).isEmpty()) {
        throw new EnvironmentProblem(tool + " not found: the lab needs iproute2, util-linux, docker.io, ufw, iptables and busybox-static "
            + "(apt-get install iproute2 util-linux docker.io ufw iptables busybox-static)");
      }
    }
  }

  Path socket() {
    return root.resolve("docker.sock");
  }

  Path stateFile() {
    return root.resolve("state.json");
  }

  DockerClient docker() {
    return DockerClient.forSocket(socket(), Duration.ofSeconds(20));
  }

  /** Commands inside the lab host: its network namespace and the private mount namespace. */
  static CommandRunner runner(LabState state) {
    return CommandRunner.inNetns(HOST_NS).withMountNamespace(LabProcesses.mountNamespace(state.mountHolderPid()));
  }

  /** The lab's saved state when its mount namespace holder still runs. */
  Optional<LabState> running() {
    return LabState.load(stateFile()).filter(s -> LabProcesses.alive(s.mountHolderPid()));
  }

  void createDirectory() {
    createDirectories(root);
  }

  LabState startMountNamespace(LabState state) {
    progress.accept("private mount namespace for UFW and dockerd");
    String ours = LabProcesses.readLink(Path.of("/proc/self/ns/mnt")).orElseThrow();
    Process holder = local.startDetached(List.of("unshare", "--mount", "--propagation", "private", "sleep", "infinity"), root.resolve("holder.log"));
    Path link = LabProcesses.mountNamespace(holder.pid());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> theirs = LabProcesses.readLink(link);
      if (theirs.isPresent() && !theirs.get().equals(ours)) {
        return state.withMountHolder(holder.pid(), theirs.get());
      }
      if (!holder.isAlive()) {
        break;
      }
      LabProcesses.sleep(20);
    }
    throw new LabException("unshare --mount did not create a mount namespace (see " + root.resolve("holder.log") + ")");
  }

  void startUfw(LabState state, Scenario scenario) {
    progress.accept("UFW inside the lab: default " + scenario.ufwDefaultIncoming() + " incoming, allow " + String.join(", ", scenario.ufwAllow()));
    Path copies = root.resolve("ufw");
    List<String[]> binds = List.of(
        new String[] {"/etc/ufw", "etc-ufw"}, new String[] {"/lib/ufw", "lib-ufw"}, new String[] {"/etc/default/ufw", "default-ufw"});
    CommandRunner inMounts = CommandRunner.local().withMountNamespace(LabProcesses.mountNamespace(state.mountHolderPid()));
    createDirectories(copies);
    for (String[] bind : binds) {
      Path copy = copies.resolve(bind[1]);
      check(local.run(List.of("cp", "-a", "--", bind[0], copy.toString()), COMMAND_TIMEOUT), "copying " + bind[0]);
      check(inMounts.run(List.of("mount", "--bind", copy.toString(), bind[0]), COMMAND_TIMEOUT), "bind-mounting the copy of " + bind[0]);
    }
    CommandRunner ufw = runner(state);
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

  /** Starts dockerd in the lab host, saves its pid in the state at once, and waits until it answers. */
  LabState startDockerd(LabState state) {
    progress.accept("dockerd in " + HOST_NS + " on " + socket());
    writeFile(root.resolve("daemon.json"), DAEMON_JSON);
    Process dockerd = runner(state).startDetached(List.of(
        "dockerd",
        "--config-file", root.resolve("daemon.json").toString(),
        "--host", "unix://" + socket(),
        "--data-root", root.resolve("data").toString(),
        "--exec-root", root.resolve("exec").toString(),
        "--pidfile", pidFile().toString()), root.resolve("dockerd.log"));
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
      LabProcesses.sleep(100);
    }
    throw new LabException("dockerd did not answer within " + DAEMON_START.toSeconds() + "s: " + tail(root.resolve("dockerd.log")));
  }

  void importImage() {
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

  void startContainers(Scenario scenario) {
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

  /** Runs {@code iptables ARGS} and {@code ip6tables ARGS} for each rule, in order, through {@code host}. */
  void applyRules(CommandRunner host, List<List<String>> iptables, List<List<String>> ip6tables) {
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

  /** The docker CLI against the lab's daemon. */
  CommandRunner.Result docker(List<String> args) {
    List<String> argv = new ArrayList<>(List.of("docker", "-H", "unix://" + socket()));
    argv.addAll(args);
    return local.run(argv, COMMAND_TIMEOUT);
  }

  /** What is up right now. */
  LabStatus status() {
    Optional<LabState> state = LabState.load(stateFile());
    boolean dockerd = state.map(s -> LabProcesses.alive(s.dockerdPid())).orElse(false);
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
    if (state.isPresent() && LabProcesses.alive(state.get().mountHolderPid())) {
      CommandRunner.Result result = runner(state.get()).run(List.of("ufw", "status", "verbose"), COMMAND_TIMEOUT);
      ufw = result.ok() ? result.stdout().strip() : result.stderr().strip();
    }
    return new LabStatus(Namespaces.exists(HOST_NS), Namespaces.exists(ATTACKER_NS), state.map(LabState::scenario), dockerd, answers, containers, ufw);
  }

  void removeContainers() {
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

  /** Stops the dockerd the state names and the one its pid file names, when they are still ours. */
  void stopDockerd(Optional<LabState> state) {
    state.map(LabState::dockerdPid).filter(pid -> pid > 0).ifPresent(this::stopDockerd);
    LabProcesses.readPidFile(pidFile()).ifPresent(this::stopDockerd);
  }

  private void stopDockerd(long pid) {
    processes.stop(pid, HOST_NS, "dockerd", DAEMON_STOP);
  }

  /** Kills the mount namespace holder and every process still in the private mount namespace. */
  void killMountNamespace(Optional<LabState> state) {
    state.filter(s -> s.mountHolderPid() > 0).ifPresent(s -> {
      for (long pid : LabProcesses.inMountNamespace(s.mountNamespace())) {
        processes.killTree(pid);
      }
    });
  }

  /** Deletes the lab's directory, refusing when something is mounted inside it. */
  void deleteDirectory() {
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
        LabProcesses.sleep(200);
      }
    }
    if (Files.exists(root)) {
      throw new LabException("cannot remove " + root + " (" + (last == null ? "still there" : last) + "): remove it by hand, or run 'sudo breakwater lab down' again");
    }
  }

  /** @throws LabException naming {@code what} and what the command said, when it failed */
  static void check(CommandRunner.Result result, String what) {
    if (!result.ok()) {
      throw new LabException(what + " failed (exit " + result.exitCode() + "): " + (result.stderr() + result.stdout()).strip());
    }
  }

  private Path pidFile() {
    return root.resolve("dockerd.pid");
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
}
