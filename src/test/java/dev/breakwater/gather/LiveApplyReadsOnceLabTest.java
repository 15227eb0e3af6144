package dev.breakwater.gather;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cli.Main;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live {@code apply} reads the firewall's rules once per family: the gathered snapshot is what
 * the plan and its proof are made of, and it is not read a second time through another runner
 * (it once was). The transaction's own {@code iptables-save -t filter} before and after the
 * restore (the backup and the verification) are a different read and are counted apart.
 *
 * <p>Counted for real: breakwater runs as a process whose PATH starts with wrappers that log each
 * call and then run the real tool inside the test namespace.
 */
@Tag("lab")
class LiveApplyReadsOnceLabTest {
  @TempDir Path tmp;

  private static final String RULES = """
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      :DOCKER-USER - [0:0]
      -A FORWARD -j DOCKER-USER
      -A DOCKER-USER -j RETURN
      COMMIT
      """;

  @Test
  void aLiveApplyRunsIptablesSaveOncePerFamily() throws Exception {
    RootCheck.assumeRoot("needs root to create a network namespace and run apply in it");
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    for (String tool : List.of("iptables-save", "ip6tables-save")) {
      Path real = CommandRunner.find(tool).orElseThrow(() -> new AssertionError(tool + " (.ci/run installs iptables)"));
      Path wrapper = bin.resolve(tool);
      Files.writeString(wrapper, "#!/bin/sh\necho \"$*\" >> " + tmp.resolve(tool + ".calls") + "\nexec " + real + " \"$@\"\n");
      wrapper.toFile().setExecutable(true);
    }
    Path policy = Files.writeString(tmp.resolve("policy.yml"), "interfaces: [eth0]\ndefault: deny\n");
    try (TestNamespace ns = new TestNamespace()) {
      ns.load("iptables-restore", RULES);
      ns.load("ip6tables-restore", RULES);
      List<String> command = new ArrayList<>(Main.selfCommand());
      command.addAll(List.of("apply", "--policy", policy.toString(), "--netns", ns.name, "--state-dir", tmp.resolve("state").toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile());
      builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
      // No dockerd here: the facts list no containers, which is all this test needs.
      builder.environment().put("DOCKER_HOST", "unix://" + tmp.resolve("no-docker.sock"));
      Process apply = builder.start();
      assertThat(apply.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String out = Files.readString(tmp.resolve("out"));
      assertThat(apply.exitValue()).as(out).isZero();
      assertThat(out).contains("Applied");
      assertThat(ns.run("iptables-save")).contains("-A DOCKER-USER -j BREAKWATER");
      for (String tool : List.of("iptables-save", "ip6tables-save")) {
        List<String> calls = Files.readAllLines(tmp.resolve(tool + ".calls"));
        assertThat(calls.stream().filter(String::isBlank)).as(tool + " (all tables) calls: " + calls).hasSize(1);
        assertThat(calls).as(tool + " calls").allMatch(c -> c.isBlank() || c.equals("-t filter"));
      }
    }
  }
}
