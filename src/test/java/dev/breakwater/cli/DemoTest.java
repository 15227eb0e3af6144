package dev.breakwater.cli;

import dev.breakwater.system.RootCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.lab.Lab;
import dev.breakwater.lab.LabPackages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 'breakwater demo --yes' end to end on the real kernel: the bypass proven, the cache blocked, the fix
 * proven (attacker out, office in, web open, containers' own connections answered), nothing left behind.
 */
@Tag("lab")
class DemoTest {

  @Test
  void theDemoProvesTheBypassAndItsFixThenLeavesNothingBehind() throws IOException {
    RootCheck.assumeRoot("the demo needs root (network namespaces, mounts, dockerd)");
    // As root a missing package is a failure, not a skip: .ci/run installs them.
    if (!new LabPackages(CommandRunner.local()).missing().isEmpty()) {
      throw new AssertionError("this test does not install packages: install iproute2 iptables ufw docker.io busybox-static first (.ci/run does)");
    }

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(new TeeStream(captured, original), true, StandardCharsets.UTF_8));
      exit = Main.execute("demo", "--yes");
    } finally {
      System.setOut(original);
      new Lab(Path.of("/run/breakwater-lab"), line -> {}).down(); // Harmless when the demo already cleaned up.
    }
    String output = captured.toString(StandardCharsets.UTF_8);

    assertThat(exit).as(output).isEqualTo(ExitCodes.CLEAN);
    assertThat(output)
        .contains("3306  deny")
        .containsPattern("db +3306 +REACHED from 198\\.51\\.100\\.66, 198\\.51\\.100\\.67, 2001:db8:1::66, it answered \"5\\.7\\.44-mysql-like\" +<-- UFW BYPASS")
        .containsPattern("cache +6379 +blocked from all 3 \\(it is bound to 127\\.0\\.0\\.1\\)")
        .containsPattern("critical +db +0\\.0\\.0\\.0:3306/tcp .*anywhere +deny .*ufw-bypass")
        .contains("The audit predicted all 9 connections exactly.")
        .contains("Proven: UFW said \"deny\" for 3306, and the attacker connected anyway")
        .contains("Proven: the cache bound to 127.0.0.1 was not reachable from outside")
        .contains("The proof holds")
        .containsPattern("db +3306 +reached from 198\\.51\\.100\\.67 \\(the office\\), blocked from 198\\.51\\.100\\.66, 2001:db8:1::66\n")
        .containsPattern("web +8080 +reached from all 3\n")
        .containsPattern("db +out +198\\.18\\.\\d+\\.\\d+ -> 198\\.51\\.100\\.66:9000 \\(a server outside\\) connected and got its reply \"hello-from-outside\"")
        .contains("Proven: with Breakwater's plan applied, 3306 was closed to every outsider but the office, and 8080 stayed open to all.")
        .contains("Proven: the allowed source, the office, still got in to 3306.")
        .contains("Proven: containers still reach the outside: the replies to their own connections come back.")
        .contains("namespaces, dockerd, mounts and files removed");
    assertThat(leftovers()).as(output).isEmpty();
  }

  /** What the demo may have left: bwl-* namespaces, processes naming the lab's directory, mounts, the directory. */
  static List<String> leftovers() throws IOException {
    List<String> found = new ArrayList<>();
    if (Files.isDirectory(Path.of("/run/netns"))) {
      try (Stream<Path> ns = Files.list(Path.of("/run/netns"))) {
        ns.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("bwl-")).forEach(n -> found.add("netns " + n));
      }
    }
    if (Files.exists(Path.of("/run/breakwater-lab"))) {
      found.add("directory /run/breakwater-lab");
    }
    Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains("/run/breakwater-lab/") || l.contains("/run/breakwater-lab ")).forEach(l -> found.add("mount " + l));
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
          // "/run/breakwater-lab/" with its slash: other labs on this machine may use /run/breakwater-lab-NAME.
          if (cmdline.contains("/run/breakwater-lab/") || cmdline.contains("--net=/run/netns/bwl-")) {
            found.add("process " + proc.getFileName() + " " + cmdline);
          }
        } catch (IOException gone) {
          // The process ended while we looked.
        }
      }
    }
    return found;
  }

  /** Writes to two streams: the test keeps the output and the log still shows it. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }
}
