package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.RootCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that takes {@code --netns} reads the name by one rule, that of {@code ip netns}.
 * Regression: {@code plan --netns _lab} and {@code watch --netns _lab} printed "internal error"
 * with a Java stack trace and exited 3, since two rules disagreed about a leading '_'.
 */
class NamespaceOptionTest {
  @TempDir Path dir;

  private Path policy() throws Exception {
    return Files.writeString(dir.resolve("policy.yml"), "interfaces: [eth0]\ndefault: deny\n");
  }

  @Test
  void aNameIpNetnsAcceptsButThatDoesNotExistIsOneLineAndExit2() throws Exception {
    String missing = "_bw-missing-" + ProcessHandle.current().pid();
    for (List<String> command : List.of(
        List.of("plan", "--policy", policy().toString(), "--netns", missing),
        List.of("watch", "--policy", policy().toString(), "--netns", missing),
        List.of("apply", "--policy", policy().toString(), "--netns", missing, "--state-dir", dir.resolve("s").toString()))) {
      CliRun r = CliRun.of(command.toArray(String[]::new));
      assertThat(r.exit()).as(String.join(" ", command) + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(command.getFirst()).doesNotContain("internal error").doesNotContain("Exception");
      if (command.getFirst().equals("watch")) {
        continue; // watch asks dockerd first; without one it says that, in one line, exit 2
      }
      assertThat(r.err()).as(command.getFirst())
          .contains("no such network namespace: " + missing + " (/run/netns/" + missing
              + " does not exist; 'ip netns list' shows the namespaces there are)");
      assertThat(r.err().lines().filter(l -> l.startsWith("breakwater:"))).as(command.getFirst()).hasSize(1);
    }
  }

  @Test
  void aNameThatIsNoNamespaceNameSaysWhatANameMayBe() throws Exception {
    for (String bad : List.of("../etc", "-n", "a/b")) {
      for (String verb : List.of("plan", "watch")) {
        CliRun r = CliRun.of(verb, "--policy", policy().toString(), "--netns", bad);
        assertThat(r.exit()).as(verb + " --netns " + bad).isEqualTo(2);
        assertThat(r.err()).doesNotContain("internal error").doesNotContain("Exception")
            .contains("--netns: expected a namespace name as 'ip netns' shows it")
            .contains("got '" + bad + "'");
        assertThat(r.err().lines()).hasSize(1);
      }
    }
  }

  @Test
  @Tag("lab")
  void planWorksInANamespaceWhoseNameStartsWithAnUnderscore() throws Exception {
    RootCheck.assumeRoot("needs root to create a network namespace");
    String name = "_bwn" + ProcessHandle.current().pid();
    CommandRunner root = CommandRunner.local();
    assertThat(root.run(List.of("ip", "netns", "add", name), Duration.ofSeconds(10)).ok()).isTrue();
    try {
      CliRun r = CliRun.of("plan", "--policy", policy().toString(), "--netns", name);
      assertThat(r.err()).doesNotContain("internal error");
      // The namespace was entered and read: it has no Docker chains, so --backend auto finds no
      // DOCKER-USER to jump from and says what to do, in one line, exit 2.
      assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
      assertThat(r.err()).contains("has no DOCKER-USER chain to jump from").doesNotContain("Exception");
    } finally {
      root.run(List.of("ip", "netns", "delete", name), Duration.ofSeconds(10));
    }
  }
}
