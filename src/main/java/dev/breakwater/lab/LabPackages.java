package dev.breakwater.lab;

import dev.breakwater.problem.EnvironmentProblem;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.NetfilterTools.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import java.util.Set;

/**
 * The Debian packages the lab needs, which of them this machine lacks, and installing them with
 * apt-get. A package counts as present when dpkg says it is installed, or (for the ones whose
 * programs other packages also ship, such as Docker's own docker-ce) when all its programs are
 * found: installing docker.io next to docker-ce would fight over the same files.
 */
public class LabPackages {
  private static final Duration QUERY = Duration.ofSeconds(30);
  private static final Duration INSTALL = Duration.ofMinutes(20);
  static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");

  /**
   * @param why what the demo does with it, in the user's terms
   * @param tools programs that stand in for the package when dpkg does not know it; empty when only the package itself will do
   */
  public record DebianPackage(String name, String why, List<String> tools) {
    public DebianPackage {
      tools = List.copyOf(tools);
    }
  }

  public static final List<DebianPackage> NEEDED = List.of(
      new DebianPackage("iproute2", "network namespaces and the virtual cable between the lab host and the attacker", List.of("ip")),
      new DebianPackage("iptables", "the packet filter Docker and UFW write their rules into", Stream.of(Tool.IPTABLES, Tool.IPTABLES_SAVE, Tool.IP6TABLES).map(Tool::command).toList()),
      new DebianPackage("ufw", "the firewall that says \"deny\"", List.of("ufw")),
      new DebianPackage("docker.io", "the lab's own Docker daemon (yours, if any, is left alone)", List.of("dockerd", "docker")),
      // The dynamically linked busybox would not run inside the lab's image, which holds nothing else.
      new DebianPackage("busybox-static", "the only program inside the lab's containers, so no image is downloaded", List.of()));

  private final CommandRunner runner;

  public LabPackages(CommandRunner runner) {
    this.runner = runner;
  }

  /** The needed packages this machine lacks, in {@link #NEEDED}'s order. */
  public List<DebianPackage> missing() {
    Set<String> installed = installed(NEEDED.stream().map(DebianPackage::name).toList());
    List<DebianPackage> missing = new ArrayList<>();
    for (DebianPackage p : NEEDED) {
      boolean toolsPresent = !p.tools().isEmpty() && p.tools().stream().allMatch(t -> CommandRunner.find(t).isPresent());
      if (!installed.contains(p.name()) && !toolsPresent) {
        missing.add(p);
      }
    }
    return missing;
  }

  /**
   * Installs {@code packages} with {@code apt-get install -y}, its output on the user's terminal.
   * When that fails (often: empty package lists on a fresh machine) runs {@code apt-get update}
   * and tries once more.
   */
  public void install(List<DebianPackage> packages) {
    if (packages.isEmpty()) {
      return;
    }
    List<String> names = packages.stream().map(DebianPackage::name).toList();
    if (CommandRunner.find("apt-get").isEmpty()) {
      throw new EnvironmentProblem("missing " + String.join(", ", names) + ", and this machine has no apt-get: "
          + "install them (or your distribution's equivalents) yourself, then run the demo again");
    }
    List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
    argv.addAll(names);
    boolean installed;
    // docker.io's postinst would start dockerd in this machine's own namespace, and that dockerd
    // rewrites this machine's firewall (FORWARD policy DROP): policy-rc.d exit 101 forbids
    // starting services while apt-get runs. An existing policy-rc.d is the admin's: left alone.
    boolean ours = !Files.exists(POLICY_RC_D);
    try {
      if (ours) {
        Files.writeString(POLICY_RC_D, "#!/bin/sh\n# breakwater demo: no service starts while it installs packages\nexit 101\n");
        Files.setPosixFilePermissions(POLICY_RC_D, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      installed = runner.runInteractive(argv, INSTALL) == 0
          || (runner.runInteractive(List.of("apt-get", "update"), INSTALL) == 0 && runner.runInteractive(argv, INSTALL) == 0);
    } catch (IOException e) {
      throw new EnvironmentProblem("cannot write " + POLICY_RC_D + " (it keeps apt-get from starting services): " + e.getMessage());
    } finally {
      if (ours) {
        try {
          Files.deleteIfExists(POLICY_RC_D);
        } catch (IOException e) {
          System.err.println("breakwater: remove " + POLICY_RC_D + " yourself: " + e.getMessage());
        }
      }
    }
    if (!installed) {
      throw new EnvironmentProblem("'" + String.join(" ", argv) + "' failed (its output is above): install the packages yourself, then run the demo again");
    }
  }

  private Set<String> installed(List<String> names) {
    if (CommandRunner.find("dpkg-query").isEmpty()) {
      return Set.of();
    }
    List<String> argv = new ArrayList<>(List.of("dpkg-query", "-W", "-f", "${Package} ${db:Status-Status}\\n"));
    argv.addAll(names);
    // Exit 1 only means some name is unknown to dpkg; the known ones are still printed.
    CommandRunner.Result result = runner.run(argv, QUERY);
    Set<String> installed = new HashSet<>();
    for (String line : result.stdout().split("\n")) {
      String[] fields = line.strip().split(" ");
      if (fields.length == 2 && fields[1].equals("installed")) {
        installed.add(fields[0]);
      }
    }
    return installed;
  }
}
