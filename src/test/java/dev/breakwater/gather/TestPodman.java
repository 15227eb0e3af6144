package dev.breakwater.gather;

import dev.breakwater.docker.TestDockerd;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The tests' one rootful Podman: in a {@link TestNamespace} (entered with {@code nsenter --net})
 * and a private mount namespace in which temporary directories are bind-mounted over
 * {@code /etc/containers}, {@code /var/lib/containers}, {@code /run/containers},
 * {@code /run/libpod} and {@code /run/runc} (runc's state), and a tmpfs over {@code /dev/shm} (libpod's lock segment). A plain
 * {@code podman ps} in that mount namespace, the gatherer's, sees this Podman's containers and
 * nothing of the machine's; netavark writes its rules into the test namespace's firewall only.
 * The image is imported from this machine's busybox (no registry).
 *
 * <p>The machine has a hard RLIMIT_NPROC/NOFILE below the 1048576 Podman asks runc for by
 * default (runc: "error setting rlimit type 7: operation not permitted"), so every container
 * gets {@code --ulimit nofile=1024:1024 --ulimit nproc=1024:1024}. Its cgroups (cgroupfs; conmon's
 * included) go below a parent named after this JVM, removed by {@link #close}.
 */
final class TestPodman implements AutoCloseable {
  static final String IMAGE = "localhost/bwt-podman/busybox:latest";
  /** The default network's subnet: a lab address range instead of Podman's 10.88.0.0/16. */
  static final String SUBNET = "198.18.0.0/24";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final List<String> MOUNTED = List.of("/etc/containers", "/var/lib/containers", "/run/containers", "/run/libpod", "/run/runc");

  private final Path root;
  private final Process holder;
  private final CommandRunner runner;
  private final String cgroupParent;

  /** Why this machine cannot run the lab, or empty when it can. */
  static Optional<String> unavailable() {
    if (!CommandRunner.runningAsRoot()) {
      return Optional.of("not root: rootful Podman in a network namespace needs root (run the tests as root, as CI does)");
    }
    for (String tool : List.of("podman", "busybox", "unshare", "nsenter")) {
      if (CommandRunner.find(tool).isEmpty()) {
        return Optional.of(tool + " is not installed (.ci/run installs podman, runc, netavark and busybox-static)");
      }
    }
    if (!Files.isExecutable(Path.of("/usr/lib/podman/netavark"))) {
      return Optional.of("netavark is not installed (/usr/lib/podman/netavark; .ci/run installs it)");
    }
    return Optional.empty();
  }

  /** Configures, mounts and imports the image; on any failure what was made is undone. */
  TestPodman(Path root, TestNamespace host) throws IOException, InterruptedException {
    this.root = root;
    this.cgroupParent = "/" + host.name + "-podman";
    Path etc = Files.createDirectories(root.resolve("etc"));
    for (String file : List.of("policy.json", "registries.conf")) {
      Path machine = Path.of("/etc/containers", file);
      if (Files.exists(machine)) {
        Files.copy(machine, etc.resolve(file));
      }
    }
    Files.createDirectories(etc.resolve("networks"));
    // containers.conf(5) of containers-common 0.50 (Podman 4.3): systemd is not PID 1 in a lab,
    // there is no journald for events, and the default network gets a lab subnet.
    Files.writeString(etc.resolve("containers.conf"), """
        [engine]
        cgroup_manager = "cgroupfs"
        events_logger = "file"
        events_logfile_path = "/run/libpod/events.log"
        [network]
        network_backend = "netavark"
        network_config_dir = "/etc/containers/networks"
        default_subnet = "%s"
        """.formatted(SUBNET));
    // vfs: overlay needs a filesystem under it that the temp directory may not be.
    Files.writeString(etc.resolve("storage.conf"), """
        [storage]
        driver = "vfs"
        graphroot = "/var/lib/containers/storage"
        runroot = "/run/containers/storage"
        """);
    for (String dir : List.of("lib", "run", "libpod", "runc")) {
      Files.createDirectories(root.resolve(dir));
    }
    // The mount points: runc makes /run/runc itself on first use, so it may not exist yet.
    Files.createDirectories(Path.of("/run/runc"));
    holder = TestDockerd.mountHolder();
    runner = host.runner().withMountNamespace(Path.of(TestDockerd.mountNamespace(holder)));
    try {
      CommandRunner mounts = CommandRunner.local().withMountNamespace(Path.of(TestDockerd.mountNamespace(holder)));
      List<Path> sources = List.of(etc, root.resolve("lib"), root.resolve("run"), root.resolve("libpod"), root.resolve("runc"));
      for (int i = 0; i < MOUNTED.size(); i++) {
        checked(mounts, List.of("mount", "--bind", sources.get(i).toString(), MOUNTED.get(i)));
      }
      checked(mounts, List.of("mount", "-t", "tmpfs", "tmpfs", "/dev/shm"));
      importImage();
    } catch (RuntimeException | IOException e) {
      close();
      throw e;
    }
  }

  /** Commands in the test namespace and this Podman's mount namespace: what the gatherer is given. */
  CommandRunner runner() {
    return runner;
  }

  /** {@code podman ARGS}; any exit but 0 is a failure. */
  String podman(String... args) {
    List<String> argv = new ArrayList<>(List.of("podman"));
    argv.addAll(List.of(args));
    return checked(runner, argv);
  }

  /** {@code podman run -d --name NAME -p PUBLISH... IMAGE COMMAND...}: the container's id. */
  String run(String name, List<String> publish, List<String> command) {
    List<String> argv = new ArrayList<>(List.of("run", "-d", "--pull=never", "--name", name,
        "--cgroup-parent", cgroupParent, "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"));
    publish.forEach(p -> argv.addAll(List.of("-p", p)));
    argv.add(IMAGE);
    argv.addAll(command);
    return podman(argv.toArray(String[]::new)).strip();
  }

  private void importImage() throws IOException {
    podman("import", TestDockerd.busyboxImage(root).toString(), IMAGE);
  }

  /**
   * Removes every container (podman tears down netavark's rules and the container namespaces),
   * kills whatever still runs in the mount namespace and below it (conmon daemonizes, so it is no
   * child of ours: it is found by its mount namespace), stops the holder, so the mounts and the
   * container network namespaces' bind mounts go with the mount namespace, and removes the
   * cgroups. Best effort at each step, so the next one still runs after a failure.
   */
  @Override
  public void close() {
    try {
      runner.run(List.of("podman", "rm", "--force", "--all", "--time", "0"), TIMEOUT);
    } catch (RuntimeException e) {
      // podman itself is broken: the kills below still stop its processes
    }
    try {
      String mnt = Files.readSymbolicLink(Path.of(TestDockerd.mountNamespace(holder))).toString();
      try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
        for (ProcessHandle process : all.filter(p -> p.pid() != holder.pid()).toList()) {
          if (mnt.equals(mountNamespaceOf(process.pid()))) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
          }
        }
      }
    } catch (IOException e) {
      // the holder is gone already: so is its mount namespace
    }
    holder.destroy();
    try {
      holder.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    removeCgroups();
  }

  private static String mountNamespaceOf(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "mnt")).toString();
    } catch (IOException | SecurityException e) {
      return ""; // exited, or a kernel thread
    }
  }

  /** cgroup v1 has one tree per controller, v2 one: the parent's directory in each, deepest first. */
  private void removeCgroups() {
    try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
      for (Path tree : Stream.concat(Stream.of(Path.of("/sys/fs/cgroup")), controllers).toList()) {
        Path parent = tree.resolve(cgroupParent.substring(1));
        if (Files.isDirectory(parent)) {
          try (Stream<Path> dirs = Files.walk(parent)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
              Files.deleteIfExists(dir); // rmdir: only an empty cgroup goes
            }
          }
        }
      }
    } catch (IOException e) {
      // a cgroup still busy stays: it is named after this JVM, so it is ours to find
    }
  }

  private static String checked(CommandRunner where, List<String> argv) {
    CommandRunner.Result result = where.run(argv, TIMEOUT);
    if (!result.ok()) {
      throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + result.exitCode() + "): "
          + result.stderr() + result.stdout());
    }
    return result.stdout();
  }
}
