package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cli.Json;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The whole CLI, run inside a scanner namespace against a target namespace whose firewall
 * accepts one port, rejects another with a reset and drops the rest, over IPv4 and IPv6.
 * Nothing touches the root namespace: the veth pair is created inside the namespaces.
 */
@Tag("lab")
class ProbeNamespaceLabTest {
  private static final String TARGET_V4 = "198.18.7.1";
  private static final String SCANNER_V4 = "198.18.7.2";
  private static final String TARGET_V6 = "2001:db8:7::1";
  private static final String SCANNER_V6 = "2001:db8:7::2";

  private final long id = ProcessHandle.current().pid() % 100_000;

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish");
    }
    if (p.exitValue() != 0 && p.exitValue() != 1) {
      throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + err);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static String run(String... command) throws IOException, InterruptedException {
    return run(List.of(command));
  }

  @Test
  void openRejectedAndDroppedPortsAreToldApartOverBothFamilies() throws Exception {
    RootCheck.assumeRoot("this test creates network namespaces and firewall rules inside them");
    // As root a missing tool is a failure, not a skip: CI installs it.
    if (!(Files.isExecutable(Path.of("/bin/busybox")) || Files.isExecutable(Path.of("/usr/bin/busybox")))) {
      throw new AssertionError("busybox is missing (package busybox-static): it serves the open port");
    }
    Path www = Files.createTempDirectory("bwp-www-");
    try (TestNamespace target = new TestNamespace(); TestNamespace scanner = new TestNamespace()) {
      run("ip", "-n", target.name, "link", "add", "bwpt" + id, "type", "veth", "peer", "name", "bwps" + id, "netns", scanner.name);
      run("ip", "-n", target.name, "addr", "add", TARGET_V4 + "/30", "dev", "bwpt" + id);
      run("ip", "-n", scanner.name, "addr", "add", SCANNER_V4 + "/30", "dev", "bwps" + id);
      run("ip", "-n", target.name, "addr", "add", TARGET_V6 + "/64", "dev", "bwpt" + id, "nodad");
      run("ip", "-n", scanner.name, "addr", "add", SCANNER_V6 + "/64", "dev", "bwps" + id, "nodad");
      for (String ns : List.of(target.name, scanner.name)) {
        run("ip", "-n", ns, "link", "set", "lo", "up");
      }
      run("ip", "-n", target.name, "link", "set", "bwpt" + id, "up");
      run("ip", "-n", scanner.name, "link", "set", "bwps" + id, "up");
      for (String tool : List.of("iptables", "ip6tables")) {
        target.run(tool, "-A", "INPUT", "-i", "lo", "-j", "ACCEPT");
        target.run(tool, "-A", "INPUT", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT");
        if (tool.equals("ip6tables")) {
          target.run(tool, "-A", "INPUT", "-p", "ipv6-icmp", "-j", "ACCEPT");
        }
        target.run(tool, "-A", "INPUT", "-p", "tcp", "--dport", "8080", "-j", "ACCEPT");
        target.run(tool, "-A", "INPUT", "-p", "tcp", "--dport", "8081", "-j", "REJECT", "--reject-with", "tcp-reset");
        target.run(tool, "-P", "INPUT", "DROP");
      }
      target.start("busybox", "httpd", "-f", "-p", "8080", "-h", www.toString());
      Thread.sleep(300);

      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String json = run(scanner.command(java, "-cp", System.getProperty("java.class.path"),
          "dev.breakwater.cli.Main", "probe", TARGET_V4, TARGET_V6, "--ports", "8080,8081,9999",
          "--timeout", "700", "--format", "json"));
      JsonNode report = Json.mapper().readTree(json);

      assertThat(report.path("counts").path("open").asInt()).isEqualTo(2);
      assertThat(report.path("counts").path("closed").asInt()).isEqualTo(2);
      assertThat(report.path("counts").path("filtered").asInt()).isEqualTo(2);
      List<String> open = new ArrayList<>();
      report.path("open").forEach(o -> open.add(o.path("address").asString() + " " + o.path("port").asInt()));
      assertThat(open).containsExactlyInAnyOrder(TARGET_V4 + " 8080", TARGET_V6 + " 8080");
      List<String> services = new ArrayList<>();
      report.path("findings").forEach(f -> services.add(f.path("service").asString() + " " + f.path("access").asString()));
      assertThat(services).containsExactly("http untested", "http untested");
      // Closing a namespace stops httpd and deletes the namespace: its veth end, addresses and firewall rules with it.
    } finally {
      Files.deleteIfExists(www);
    }
  }
}
