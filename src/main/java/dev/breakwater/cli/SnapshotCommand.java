package dev.breakwater.cli;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.docker.DockerClient;
import dev.breakwater.gather.LiveGatherer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Write a snapshot directory from the live host: iptables-save, ip6tables-save, docker inspect of the "
          + "running containers (through the Docker API socket), ip -j addr/route, ufw status verbose, "
          + "/etc/docker/daemon.json, nft -j list ruleset and the hostname, one plain file each.",
      "Any machine can then analyse it with 'breakwater audit --from DIR'. Needs root to read the firewall."
    },
    footer = {
      "",
      "Examples:",
      "  sudo breakwater snapshot --out /tmp/web1",
      "  sudo DOCKER_HOST=unix:///run/user/1000/docker.sock breakwater snapshot --out snap",
      "  breakwater audit --from /tmp/web1",
      "",
      "DOCKER_HOST: only unix:///path sockets are supported (default /var/run/docker.sock).",
      "Missing optional tools (ufw, nft, ip6tables, podman, firewall-cmd) are skipped with a note on stderr."
    })
public final class SnapshotCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (created when missing; files in it are replaced).")
  Path out;

  @Option(names = "--docker-host", paramLabel = "unix:///PATH", description = "Docker daemon socket (overrides DOCKER_HOST).")
  String dockerHost;

  @Option(names = "--daemon-json", paramLabel = "FILE", defaultValue = "/etc/docker/daemon.json",
      description = "Docker daemon configuration to copy (default: ${DEFAULT-VALUE}).")
  Path daemonJson;

  @Override
  public Integer call() {
    DockerClient docker = dockerHost == null
        ? DockerClient.fromEnvironment()
        : DockerClient.forSocket(DockerClient.socketOf(Optional.of(dockerHost)), Duration.ofSeconds(10));
    LiveGatherer.Result result = new LiveGatherer(CommandRunner.local(), docker, LiveGatherer.HostFiles.system(daemonJson)).gather(out);
    result.notes().forEach(note -> System.err.println("note: " + note));
    System.out.println("wrote " + String.join(", ", result.files()) + " to " + result.directory());
    return ExitCodes.CLEAN;
  }
}
