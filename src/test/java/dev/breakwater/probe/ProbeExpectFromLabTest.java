package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cli.Json;
import dev.breakwater.snapshot.Corpus;
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
 * {@code probe --expect-from} against a namespace host that does what the corpus snapshot
 * docker-user-fixed says: port 3306 answers 198.51.100.0/24 and drops everyone else. The probe
 * runs from a scanner namespace with one address inside that subnet and one outside, and states
 * no vantage point: the kernel's source address toward each target is the one compared.
 */
@Tag("lab")
class ProbeExpectFromLabTest {
  private static final String TARGET_TRUSTED = "198.51.100.10";
  private static final String SCANNER_TRUSTED = "198.51.100.50";
  private static final String TARGET_OTHER = "198.18.8.1";
  private static final String SCANNER_OTHER = "198.18.8.2";

  private final long id = ProcessHandle.current().pid() % 100_000;

  private record Result(int exit, String out, String err) {}

  private static Result exec(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), err);
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Result r = exec(List.of(command));
    if (r.exit() != 0) {
      throw new IllegalStateException(List.of(command) + " exited " + r.exit() + ": " + r.err());
    }
  }

  private Result probe(TestNamespace scanner, String address, Path snapshot) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return exec(scanner.command(java, "-cp", System.getProperty("java.class.path"),
        "dev.breakwater.cli.Main", "probe", address, "--ports", "22", "--timeout", "700", "--service", "3306=http",
        "--expect-from", snapshot.toString(), "--format", "json"));
  }

  private static List<String> kinds(JsonNode report) {
    List<String> kinds = new ArrayList<>();
    report.path("expectations").path("disagreements").forEach(d -> kinds.add(d.path("port").asInt() + " " + d.path("kind").asString()));
    return kinds;
  }

  @Test
  void whatAnswersEachVantagePointMatchesTheSnapshotUntilTheFirewallChanges() throws Exception {
    RootCheck.assumeRoot("this test creates network namespaces and firewall rules inside them");
    // As root a missing tool is a failure, not a skip: CI installs it.
    if (!(Files.isExecutable(Path.of("/bin/busybox")) || Files.isExecutable(Path.of("/usr/bin/busybox")))) {
      throw new AssertionError("busybox is missing (package busybox-static): it serves the published port");
    }
    Path snapshot = Corpus.dir("docker-user-fixed");
    Path www = Files.createTempDirectory("bwp-www-");
    try (TestNamespace target = new TestNamespace(); TestNamespace scanner = new TestNamespace()) {
      run("ip", "-n", target.name, "link", "add", "bwpet" + id, "type", "veth", "peer", "name", "bwpes" + id, "netns", scanner.name);
      run("ip", "-n", target.name, "addr", "add", TARGET_TRUSTED + "/24", "dev", "bwpet" + id);
      run("ip", "-n", target.name, "addr", "add", TARGET_OTHER + "/24", "dev", "bwpet" + id);
      run("ip", "-n", scanner.name, "addr", "add", SCANNER_TRUSTED + "/24", "dev", "bwpes" + id);
      run("ip", "-n", scanner.name, "addr", "add", SCANNER_OTHER + "/24", "dev", "bwpes" + id);
      for (String ns : List.of(target.name, scanner.name)) {
        run("ip", "-n", ns, "link", "set", "lo", "up");
      }
      run("ip", "-n", target.name, "link", "set", "bwpet" + id, "up");
      run("ip", "-n", scanner.name, "link", "set", "bwpes" + id, "up");
      // The snapshot's policy, applied to the target itself: the LAN gets 3306, the rest is dropped.
      target.run("iptables", "-A", "INPUT", "-i", "lo", "-j", "ACCEPT");
      target.run("iptables", "-A", "INPUT", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT");
      target.run("iptables", "-A", "INPUT", "-s", "198.51.100.0/24", "-p", "tcp", "--dport", "3306", "-j", "ACCEPT");
      target.run("iptables", "-P", "INPUT", "DROP");
      target.start("busybox", "httpd", "-f", "-p", "3306", "-h", www.toString());
      Thread.sleep(300);

      Result fromLan = probe(scanner, TARGET_TRUSTED, snapshot);
      assertThat(fromLan.exit()).as(fromLan.err()).isEqualTo(0);
      JsonNode lan = Json.mapper().readTree(fromLan.out());
      assertThat(lan.path("expectations").path("vantages").path(0).asString()).isEqualTo(SCANNER_TRUSTED);
      assertThat(lan.path("open").path(0).path("port").asInt()).isEqualTo(3306);
      assertThat(kinds(lan)).isEmpty();

      Result fromElsewhere = probe(scanner, TARGET_OTHER, snapshot);
      assertThat(fromElsewhere.exit()).as(fromElsewhere.err()).isEqualTo(0);
      JsonNode other = Json.mapper().readTree(fromElsewhere.out());
      assertThat(other.path("expectations").path("vantages").path(0).asString()).isEqualTo(SCANNER_OTHER);
      assertThat(other.path("counts").path("open").asInt()).isZero();
      assertThat(kinds(other)).isEmpty();

      // Someone opens the firewall; the snapshot still says only the LAN gets in.
      target.run("iptables", "-P", "INPUT", "ACCEPT");
      Result afterChange = probe(scanner, TARGET_OTHER, snapshot);
      assertThat(afterChange.exit()).as(afterChange.err()).isEqualTo(1);
      assertThat(kinds(Json.mapper().readTree(afterChange.out()))).containsExactly("3306 open-against-prediction");
      // Closing a namespace stops httpd and deletes the namespace: its veth end, addresses and firewall rules with it.
    } finally {
      Files.deleteIfExists(www);
    }
  }
}
