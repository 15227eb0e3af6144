package dev.breakwater.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private network namespace ({@code bwx-PID-N}) with its own, empty firewall: the only place
 * these tests change rules. Closing it deletes the namespace and, with it, every rule in it.
 */
public final class LabNamespace implements AutoCloseable {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  public final String name;

  public LabNamespace() {
    name = "bwx-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    run(List.of("ip", "netns", "add", name), "");
  }

  public static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && out.equals("0");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Loads a complete ruleset (replacing the tables it names), as Docker and UFW would have left it. */
  public void load(String tool, String rules) {
    run(List.of("ip", "netns", "exec", name, tool), rules);
  }

  /** {@code iptables-save} (or ip6tables-save) without its timestamped comment lines. */
  public String save(String tool) {
    String text = run(List.of("ip", "netns", "exec", name, tool), "");
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith("#")) {
        lines.add(line);
      }
    }
    return String.join("\n", lines) + "\n";
  }

  /** {@code ip ARGS} inside this namespace. */
  public void ip(String... args) {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name, "ip"));
    command.addAll(List.of(args));
    run(command, "");
  }

  /** {@code ip6tables ARGS} inside this namespace. */
  void ip6tables(String... args) {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name, "ip6tables"));
    command.addAll(List.of(args));
    run(command, "");
  }

  @Override
  public void close() {
    run(List.of("ip", "netns", "del", name), "");
  }

  public static String run(List<String> command, String stdin) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
