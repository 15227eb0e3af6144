package dev.breakwater.lab;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.NetworkNamespace;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Network namespaces of the lab, through {@code ip}. Every address and route is set with
 * {@code ip -n NS} and the veth pair is created directly inside the two namespaces, so the
 * root namespace never holds any of it, not even for a moment.
 */
public final class Namespaces {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private final CommandRunner root = CommandRunner.local();

  public static boolean exists(String name) {
    return new NetworkNamespace(name).exists();
  }

  void add(String name) {
    ip("netns", "add", name);
  }

  void delete(String name) {
    if (exists(name)) {
      ip("netns", "delete", name);
    }
  }

  /** A veth pair whose ends are born inside {@code leftNs} and {@code rightNs}, then renamed. */
  void vethBetween(String leftNs, String leftTemp, String leftName, String rightNs, String rightTemp, String rightName) {
    ip("link", "add", leftTemp, "netns", leftNs, "type", "veth", "peer", "name", rightTemp, "netns", rightNs);
    ip("-n", leftNs, "link", "set", leftTemp, "name", leftName);
    ip("-n", rightNs, "link", "set", rightTemp, "name", rightName);
  }

  void up(String ns, String device) {
    ip("-n", ns, "link", "set", device, "up");
  }

  void address(String ns, String device, String cidr) {
    if (cidr.contains(":")) {
      // nodad: the address is usable at once instead of after duplicate detection (~1 s).
      ip("-n", ns, "addr", "add", cidr, "dev", device, "nodad");
    } else {
      ip("-n", ns, "addr", "add", cidr, "dev", device);
    }
  }

  void defaultRoute(String ns, String via) {
    ip("-n", ns, via.contains(":") ? "-6" : "-4", "route", "add", "default", "via", via);
  }

  /** Processes whose network namespace is {@code ns}. */
  List<Long> pids(String ns) {
    if (!exists(ns)) {
      return List.of();
    }
    CommandRunner.Result result = root.run(List.of("ip", "netns", "pids", ns), TIMEOUT);
    return Arrays.stream(result.stdout().split("\\s+")).filter(s -> s.matches("\\d+")).map(Long::parseLong).toList();
  }

  private void ip(String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of("ip"));
    argv.addAll(List.of(args));
    CommandRunner.Result result = root.run(argv, TIMEOUT);
    if (!result.ok()) {
      throw new LabException(String.join(" ", argv) + " failed: " + result.stderr().strip());
    }
  }
}
