package dev.breakwater.bench;


import dev.breakwater.docker.TestDockerd;
import dev.breakwater.system.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How long after {@code docker run} an allowed container answers its allowed source, with
 * {@code breakwater watch} running (default deny, allows from container labels): a real dockerd
 * in a bwx namespace, `watch --netns` as a child process with DOCKER_HOST on the lab's socket.
 * Prints percentiles; run by bench/watch-latency.sh --cli. Not a test: no assertion on time.
 */
public final class WatchCliLatencyBench {
  /** What one run saw: per container, ms from docker run to the allowed source connecting (-1: never). */
  public record Result(List<Long> latencies, int deniedGotIn, List<Long> watchLatencies, String watchLog) {}

  public static void main(String[] args) throws Exception {
    Result result = run(args.length > 0 ? Integer.parseInt(args[0]) : 20);
    List<Long> latencies = new ArrayList<>(result.latencies().stream().filter(l -> l >= 0).toList());
    Collections.sort(latencies);
    System.out.printf("containers started: %d, allowed source got in: %d, denied source got in: %d%n",
        result.latencies().size(), latencies.size(), result.deniedGotIn());
    if (!latencies.isEmpty()) {
      System.out.printf("docker run -> allowed source connects (ms): p50 %d, p90 %d, max %d%n",
          pct(latencies, 50), pct(latencies, 90), latencies.get(latencies.size() - 1));
    }
    List<Long> watchLatency = new ArrayList<>(result.watchLatencies());
    Collections.sort(watchLatency);
    if (!watchLatency.isEmpty()) {
      System.out.printf("watch: start event -> policy in force (ms, its own log): p50 %d, p90 %d, max %d over %d applies%n",
          pct(watchLatency, 50), pct(watchLatency, 90), watchLatency.get(watchLatency.size() - 1), watchLatency.size());
    }
    System.out.println("goal (issue #3): allowed container reachable within 100 ms (p99) of its start event");
  }

  public static Result run(int containers) throws Exception {
    Path tmp = Files.createTempDirectory("bwx-watch-bench-");
    Path root = Files.createDirectories(tmp.resolve("d"));
    Path socket = root.resolve("docker.sock");
    Process holder = null;
    Process dockerd = null;
    Process watch = null;
    try (TestNamespace host = new TestNamespace(); TestNamespace attacker = new TestNamespace()) {
      String peer = "bwxw" + (ProcessHandle.current().pid() % 100000);
      host.ip("link", "add", "eth0", "type", "veth", "peer", "name", peer);
      host.ip("link", "set", peer, "netns", attacker.name);
      host.ip("addr", "add", "198.51.100.1/24", "dev", "eth0");
      host.ip("link", "set", "eth0", "up");
      host.ip("link", "set", "lo", "up");
      host.ip("route", "add", "default", "via", "198.51.100.2");
      attacker.ip("addr", "add", "198.51.100.2/24", "dev", peer);
      attacker.ip("addr", "add", "198.51.100.3/24", "dev", peer);
      attacker.ip("link", "set", peer, "up");
      holder = TestDockerd.mountHolder();
      String mnt = TestDockerd.mountNamespace(holder);
      // IPv4 only: Docker 20.10 has no ip6tables DOCKER-USER (see DockerdPolicyLabTest).
      Files.writeString(root.resolve("daemon.json"), TestDockerd.IPV4_DAEMON_JSON);
      dockerd = TestDockerd.start(root, socket, mnt, host);
      TestDockerd.importImage(root, socket);
      // Keep IPv6 out of the question: docker-proxy's [::] sockets are dropped as UFW would.
      host.ip6tables("-P", "INPUT", "DROP");

      Path policy = Files.writeString(tmp.resolve("policy.yml"), "action: reject\ninterfaces: [eth0]\nlabels: true\n");
      List<String> command = new ArrayList<>(dev.breakwater.cli.Main.selfCommand());
      command.addAll(List.of("watch", "--policy", policy.toString(), "--netns", host.name,
          "--state-dir", tmp.resolve("state").toString(), "--interval", "60s"));
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(tmp.resolve("watch.log").toFile()).redirectError(tmp.resolve("watch.err").toFile());
      pb.environment().put("DOCKER_HOST", "unix://" + socket);
      watch = pb.start();
      for (int i = 0; i < 600 && !Files.readString(tmp.resolve("watch.log")).contains("cause=startup"); i++) {
        Thread.sleep(100);
      }
      Thread.sleep(1000); // let watch open its event stream

      List<Long> latencies = new ArrayList<>();
      int deniedGotIn = 0;
      for (int i = 0; i < containers; i++) {
        int port = 4000 + i;
        long t0 = System.nanoTime();
        TestDockerd.docker(socket, "run", "-d", "--name", "c" + i, "--label", "breakwater.allow=198.51.100.3",
            "-p", port + ":80", TestDockerd.IMAGE, "httpd", "-f", "-p", "80", "-h", "/");
        long reached = -1;
        for (int tries = 0; tries < 3000; tries++) {
          if (connects(attacker, "198.51.100.3", port)) {
            reached = System.nanoTime();
            break;
          }
        }
        latencies.add(reached < 0 ? -1 : (reached - t0) / 1_000_000);
        if (connects(attacker, "198.51.100.2", port)) {
          deniedGotIn++;
        }
      }
      List<Long> watchLatency = new ArrayList<>();
      String log = Files.readString(tmp.resolve("watch.log"));
      for (String line : log.lines().toList()) {
        if (line.contains("event=drift-corrected") && line.contains("cause=container-start")) {
          watchLatency.add(Long.parseLong(line.replaceAll(".* latency_ms=(\\d+).*", "$1")));
        }
      }
      return new Result(latencies, deniedGotIn, watchLatency, log + Files.readString(tmp.resolve("watch.err")));
    } finally {
      if (watch != null) {
        watch.destroy();
        watch.waitFor(10, TimeUnit.SECONDS);
      }
      TestDockerd.stop(dockerd, holder, socket, java.util.stream.IntStream.range(0, containers).mapToObj(i -> "c" + i).toList());
      TestNamespace.host(List.of("rm", "-rf", tmp.toString()), "");
    }
  }

  static boolean connects(TestNamespace attacker, String source, int port) throws Exception {
    Process p = new ProcessBuilder(attacker.command("curl", "-s", "-o", "/dev/null", "--interface", source,
        "--connect-timeout", "1", "--max-time", "2", "http://198.51.100.1:" + port + "/")).start();
    p.waitFor(5, TimeUnit.SECONDS);
    return p.exitValue() == 0;
  }

  static long pct(List<Long> sorted, int percent) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
  }

  private WatchCliLatencyBench() {}
}
