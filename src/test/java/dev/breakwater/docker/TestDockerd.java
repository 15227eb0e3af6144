package dev.breakwater.docker;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The tests' one dockerd: in a {@link TestNamespace} (entered with {@code nsenter --net}) and a
 * private mount namespace, with its own socket and directories, and an image imported from this
 * machine's busybox (no registry). No JUnit or AssertJ here: the benchmarks use it too.
 */
public final class TestDockerd {
  public static final String IMAGE = "bwt-policy/busybox:latest";

  private TestDockerd() {}

  /** Docker 20.10 on IPv4 only (it has no ip6tables DOCKER-USER), on the lab's addresses. */
  public static final String IPV4_DAEMON_JSON = """
      {"bip": "198.18.0.1/24", "default-address-pools": [{"base": "198.18.16.0/20", "size": 24}],
       "iptables": true, "ipv6": false, "ip6tables": false, "storage-driver": "vfs"}
      """;

  /**
   * Starts a process that holds a private mount namespace for dockerd ({@code unshare --mount
   * --propagation private}), and waits until its namespace is not this one. Its namespace is
   * {@link #mountNamespace}; stop it with {@link #stop}.
   */
  public static Process mountHolder() throws IOException, InterruptedException {
    Process holder = new ProcessBuilder("setsid", "unshare", "--mount", "--propagation", "private", "sleep", "infinity").start();
    Path mnt = Path.of(mountNamespace(holder));
    for (int i = 0; i < 200 && Files.readSymbolicLink(mnt).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"))); i++) {
      Thread.sleep(20);
    }
    return holder;
  }

  public static String mountNamespace(Process holder) {
    return "/proc/" + holder.pid() + "/ns/mnt";
  }

  /**
   * Starts {@code nsenter --net=/run/netns/NAME --mount=MNT dockerd --host unix://SOCKET
   * --data-root … --exec-root … --pidfile …} (config and log in {@code root}) and waits until it answers.
   */
  public static Process start(Path root, Path socket, String mnt, TestNamespace host) throws IOException, InterruptedException {
    List<String> command = host.runner().withMountNamespace(Path.of(mnt)).command(List.of("dockerd",
        "--config-file", root.resolve("daemon.json").toString(), "--host", "unix://" + socket,
        "--data-root", root.resolve("data").toString(), "--exec-root", root.resolve("exec").toString(),
        "--pidfile", root.resolve("dockerd.pid").toString()));
    Process dockerd = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("dockerd.log").toFile())).start();
    DockerClient docker = DockerClient.forSocket(socket, Duration.ofSeconds(5));
    for (int i = 0; i < 600 && !(Files.exists(socket) && ping(docker)); i++) {
      if (!dockerd.isAlive()) {
        throw new IllegalStateException("dockerd exited; its log:\n" + Files.readString(root.resolve("dockerd.log")));
      }
      Thread.sleep(100);
    }
    return dockerd;
  }

  static boolean ping(DockerClient docker) {
    try {
      return docker.ping();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Builds {@link #IMAGE} from busybox and its applets, and {@code docker import}s it. */
  public static void importImage(Path root, Path socket) throws IOException {
    docker(socket, "import", busyboxImage(root).toString(), IMAGE);
  }

  /**
   * A root file system of this machine's busybox and a symbolic link per applet, with /tmp,
   * as {@code root/image.tar}: the lab's one image, for {@code docker import} or {@code podman
   * import} (no registry).
   */
  public static Path busyboxImage(Path root) throws IOException {
    Path bin = Files.createDirectories(root.resolve("image/bin"));
    Files.createDirectories(root.resolve("image/tmp"));
    Path busybox = CommandRunner.find("busybox").orElseThrow();
    Files.copy(busybox, bin.resolve("busybox"));
    for (String applet : TestNamespace.host(List.of(busybox.toString(), "--list")).split("\\s+")) {
      if (applet.matches("[a-z0-9_.\\[-]+") && !applet.equals("busybox")) {
        Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
      }
    }
    Path tar = root.resolve("image.tar");
    TestNamespace.host(List.of("tar", "-C", root.resolve("image").toString(), "-cf", tar.toString(), "."));
    return tar;
  }

  /** {@code docker ARGS} against the daemon on {@code socket}. */
  public static String docker(Path socket, String... args) {
    List<String> command = new ArrayList<>(List.of("docker", "--host", "unix://" + socket));
    command.addAll(List.of(args));
    return TestNamespace.host(command);
  }

  /**
   * Stops what {@link #start} started, in the order that leaves nothing behind: the named
   * containers (best effort: a container that never started is fine), dockerd (forcibly after a
   * minute), then the mount-namespace holder. Either process may be null.
   */
  public static void stop(Process dockerd, Process holder, Path socket, java.util.List<String> containers)
      throws InterruptedException {
    if (dockerd != null) {
      if (dockerd.isAlive()) {
        for (String container : containers) {
          try {
            docker(socket, "rm", "-f", container);
          } catch (RuntimeException e) {
            // not started, or dockerd is down: it goes with the daemon's directories anyway
          }
        }
      }
      dockerd.destroy();
      if (!dockerd.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        dockerd.destroyForcibly();
      }
    }
    if (holder != null) {
      holder.destroy();
      holder.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
