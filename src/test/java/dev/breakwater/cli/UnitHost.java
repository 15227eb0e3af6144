package dev.breakwater.cli;

import dev.breakwater.lab.Lab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The lab host as an administrator's shell (or systemd) sees it, so that the packaged units' and
 * maintainer scripts' command lines run exactly as written: a private mount namespace made from
 * the lab host's (UFW's copies stay), with overlays on /etc and /var/lib (so /etc/breakwater and
 * the default state directory /var/lib/breakwater exist only here) on a tmpfs, the breakwater
 * command at /usr/local/bin/breakwater (a stand-in running this build's classes), and the lab
 * host's network namespace. The machine's own /etc, /var/lib and firewall are never touched; the
 * mounts go with the holder process in {@link #close}.
 */
final class UnitHost implements AutoCloseable {
  static final String COMMAND = "/usr/local/bin/breakwater";

  private final Lab lab;
  private final Process holder;
  private final String mnt;

  private UnitHost(Lab lab, Process holder) {
    this.lab = lab;
    this.holder = holder;
    this.mnt = "/proc/" + holder.pid() + "/ns/mnt";
  }

  static UnitHost start(Lab lab, Path tmp) throws IOException, InterruptedException {
    Path labMnt = lab.mountNamespace();
    Process holder = new ProcessBuilder("nsenter", "--mount=" + labMnt, "setsid", "unshare", "--mount", "--propagation", "private",
        "sleep", "infinity").start();
    UnitHost host = new UnitHost(lab, holder);
    try {
      Path link = Path.of(host.mnt);
      // nsenter, setsid and unshare each exec the next: the process passes through this
      // namespace and the lab's before it is in its own.
      Path self = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"));
      for (int i = 0; i < 200 && !own(link, self, labMnt); i++) {
        Thread.sleep(20);
      }
      if (!own(link, self, labMnt)) {
        throw new IllegalStateException("unshare --mount made no mount namespace");
      }
      Path scratch = Files.createDirectories(tmp.resolve("unit-host"));
      host.mount("-t", "tmpfs", "tmpfs", scratch.toString());
      for (String dir : List.of("etc/upper", "etc/work", "var-lib/upper", "var-lib/work", "bin")) {
        Files.createDirectories(host.path(scratch.resolve(dir).toString()));
      }
      host.mount("-t", "overlay", "overlay", "-o", "lowerdir=/etc,upperdir=" + scratch.resolve("etc/upper") + ",workdir="
          + scratch.resolve("etc/work"), "/etc");
      // The overlay shows the machine's /etc underneath: put the lab's UFW copies back on top.
      host.mount("--bind", lab.directory().resolve("ufw/etc-ufw").toString(), "/etc/ufw");
      host.mount("--bind", lab.directory().resolve("ufw/default-ufw").toString(), "/etc/default/ufw");
      host.mount("-t", "overlay", "overlay", "-o", "lowerdir=/var/lib,upperdir=" + scratch.resolve("var-lib/upper") + ",workdir="
          + scratch.resolve("var-lib/work"), "/var/lib");
      Path command = host.path(scratch.resolve("bin/breakwater").toString());
      String java = ProcessHandle.current().info().command().orElseThrow();
      Files.writeString(command, "#!/bin/sh\nexec '" + java + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '"
          + System.getProperty("java.class.path") + "' dev.breakwater.cli.Main \"$@\"\n");
      Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwxr-xr-x"));
      host.mount("--bind", scratch.resolve("bin").toString(), "/usr/local/bin");
      Files.createDirectories(host.path("/etc/breakwater"));
      return host;
    } catch (IOException | InterruptedException | RuntimeException e) {
      host.close();
      throw e;
    }
  }

  private static boolean own(Path link, Path self, Path labMnt) throws IOException {
    try {
      Path now = Files.readSymbolicLink(link);
      return !now.equals(self) && !now.equals(Files.readSymbolicLink(labMnt));
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }

  /** {@code absolute} as this host sees it, through the holder's root ({@code /proc/PID/root}). */
  Path path(String absolute) {
    return Path.of("/proc/" + holder.pid() + "/root", absolute.substring(1));
  }

  /** Makes the kernel's boot id read {@code id} here: what a reboot changes, as ChangeJournal reads it. */
  void bootId(String id, Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("boot_id-" + id), id + "\n");
    mount("--bind", file.toString(), "/proc/sys/kernel/random/boot_id");
  }

  private void mount(String... args) {
    List<String> argv = new ArrayList<>(List.of("nsenter", "--mount=" + mnt, "mount"));
    argv.addAll(List.of(args));
    Run run = exec(argv);
    if (run.exit() != 0) {
      throw new IllegalStateException(String.join(" ", argv) + ": " + run.output());
    }
  }

  record Run(int exit, String output) {}

  /** Runs {@code argv} in this host's mount namespace and the lab host's network namespace, with the lab's Docker socket. */
  Run run(List<String> argv) {
    List<String> command = new ArrayList<>(List.of("nsenter", "--mount=" + mnt, "--net=/run/netns/" + Lab.HOST_NS));
    command.addAll(argv);
    return exec(command);
  }

  private Run exec(List<String> command) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().remove("BREAKWATER_STATE_DIR");
      // systemd gives the unit no DOCKER_HOST, so breakwater uses /var/run/docker.sock; the lab's
      // daemon listens elsewhere, and this variable is the one thing that differs from the unit.
      builder.environment().put("DOCKER_HOST", "unix://" + lab.socket());
      Process process = builder.start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + ": no exit within 120 s");
      }
      return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Ends the rollback timers started here and the holder; the mounts go with them. */
  @Override
  public void close() {
    endRollbackTimers();
    holder.destroy();
    try {
      holder.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Ends every process in this mount namespace but the holder (a reboot's work on rollback timers), each by its id. */
  void endRollbackTimers() {
    try (var pids = Files.list(Path.of("/proc"))) {
      String ours = Files.exists(Path.of(mnt)) ? Files.readSymbolicLink(Path.of(mnt)).toString() : "";
      for (Path proc : pids.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          if (!ours.isEmpty() && Files.readSymbolicLink(proc.resolve("ns/mnt")).toString().equals(ours)
              && Long.parseLong(proc.getFileName().toString()) != holder.pid()) {
            ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(ProcessHandle::destroyForcibly);
          }
        } catch (IOException e) {
          // gone meanwhile
        }
      }
    } catch (IOException e) {
      // nothing to end
    }
  }
}
