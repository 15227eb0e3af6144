package dev.breakwater.policy;


import dev.breakwater.system.CommandRunner;
import dev.breakwater.docker.DockerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A dockerd of the tests' own, in a bwx network namespace and a private mount namespace, with its
 * own socket and directories, and an image imported from this machine's busybox (no registry).
 * No AssertJ here: the benchmarks use it too.
 */
public final class LabDockerd {
  public static final String IMAGE = "bwx-policy/busybox:latest";

  private LabDockerd() {}

  public static Process start(Path root, Path socket, String mnt, LabNamespace host) throws IOException, InterruptedException {
    Process dockerd = new ProcessBuilder("nsenter", "--mount=" + mnt, "--net=/run/netns/" + host.name, "dockerd",
        "--config-file", root.resolve("daemon.json").toString(), "--host", "unix://" + socket,
        "--data-root", root.resolve("data").toString(), "--exec-root", root.resolve("exec").toString(),
        "--pidfile", root.resolve("dockerd.pid").toString())
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

  public static void importImage(Path root, Path socket) throws IOException {
    Path bin = Files.createDirectories(root.resolve("image/bin"));
    Files.createDirectories(root.resolve("image/tmp"));
    Path busybox = CommandRunner.find("busybox").orElseThrow();
    Files.copy(busybox, bin.resolve("busybox"));
    for (String applet : LabNamespace.run(List.of(busybox.toString(), "--list"), "").split("\\s+")) {
      if (applet.matches("[a-z0-9_.\\[-]+") && !applet.equals("busybox")) {
        Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
      }
    }
    LabNamespace.run(List.of("tar", "-C", root.resolve("image").toString(), "-cf", root.resolve("image.tar").toString(), "."), "");
    docker(socket, "import", root.resolve("image.tar").toString(), IMAGE);
  }

  public static String docker(Path socket, String... args) {
    List<String> command = new ArrayList<>(List.of("docker", "--host", "unix://" + socket));
    command.addAll(List.of(args));
    return LabNamespace.run(command, "");
  }

}
