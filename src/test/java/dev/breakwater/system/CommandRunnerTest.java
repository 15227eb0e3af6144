package dev.breakwater.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.problem.BadInput;
import dev.breakwater.problem.EnvironmentProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {

  @Test
  void capturesOutputErrorsAndExitCodeWithoutAShell() {
    CommandRunner.Result result = CommandRunner.local().run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));
    assertThat(result).isEqualTo(new CommandRunner.Result(3, "out\n", "err\n"));
    // An argument is one argument, never split or expanded.
    assertThat(CommandRunner.local().run(List.of("echo", "$HOME; ls"), Duration.ofSeconds(10)).stdout()).isEqualTo("$HOME; ls\n");
  }

  @Test
  void aCommandThatRunsTooLongIsKilled() {
    assertThatThrownBy(() -> CommandRunner.local().run(List.of("sleep", "30"), Duration.ofMillis(300)))
        .isInstanceOf(CommandRunner.TimeoutException.class).hasMessageContaining("sleep 30");
  }

  @Test
  void namespacesBecomeAnNsenterPrefix() {
    List<String> command = CommandRunner.inNetns("bwl-host").withMountNamespace(Path.of("/proc/42/ns/mnt")).command(List.of("sh", "-c", "x"));
    assertThat(command.getFirst()).endsWith("/nsenter");
    assertThat(command.subList(1, 4)).containsExactly("--net=/run/netns/bwl-host", "--mount=/proc/42/ns/mnt", "--");
    assertThat(command.get(4)).endsWith("/sh");
    assertThat(command.subList(5, 7)).containsExactly("-c", "x");
    assertThat(CommandRunner.local().command(List.of("sh")).getFirst()).endsWith("/sh");
  }

  @Test
  void namespaceNamesThatCouldEscapeRunNetnsAreRefused() {
    // A bad name is input the user can correct (BadInput, exit 2), not an IllegalArgumentException.
    for (String bad : List.of("../etc", "a/b", "", "-n", ".hidden", "x".repeat(65))) {
      assertThatThrownBy(() -> CommandRunner.inNetns(bad)).isInstanceOf(BadInput.class)
          .hasMessageContaining("namespace name as 'ip netns' shows it").hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void oneNameRuleForEveryNamespaceIpNetnsAccepts() {
    // 'ip netns add _lab' works: so must every command that takes --netns (it once threw).
    for (String good : List.of("_lab", "bwl-host", "lab.1", "A", "x".repeat(64))) {
      assertThat(CommandRunner.inNetns(good).command(List.of("sh")).subList(1, 3))
          .containsExactly("--net=/run/netns/" + good, "--");
    }
  }

  @Test
  void standardInputReachesTheCommand() {
    CommandRunner.Result result = CommandRunner.local().run(List.of("cat"), "line one\nline two\n", Duration.ofSeconds(10));
    assertThat(result.stdout()).isEqualTo("line one\nline two\n");
  }

  @Test
  void aTimeOutKillsWhatTheCommandStarted(@TempDir Path dir) throws Exception {
    Path pid = dir.resolve("child.pid");
    // The shell starts a sleeping child and waits for it; the time-out must take the child too.
    assertThatThrownBy(() -> CommandRunner.local().run(
        List.of("sh", "-c", "sleep 30 & echo $! > " + pid + "; wait"), Duration.ofMillis(500)))
        .isInstanceOf(CommandRunner.TimeoutException.class);
    long child = Long.parseLong(Files.readString(pid).strip());
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).as("the child sleep").isFalse();
  }

  @Test
  void aDetachedCommandGetsItsOwnSessionAndWritesItsLog(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("log");
    Process p = CommandRunner.local().startDetached(List.of("sh", "-c", "echo started; ps -o sid= -p $$"), log);
    assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    List<String> lines = Files.readAllLines(log);
    assertThat(lines.getFirst()).isEqualTo("started");
    // setsid makes the process a session leader: its session id is its own pid.
    assertThat(Long.parseLong(lines.get(1).strip())).isEqualTo(p.pid());
  }

  @Test
  void findsToolsOnPathAndInSystemDirectoriesOnly(@TempDir Path dir) throws Exception {
    assertThat(CommandRunner.find("sh")).hasValueSatisfying(p -> assertThat(p).isAbsolute());
    assertThat(CommandRunner.find("breakwater-no-such-tool")).isEmpty();
    Path notExecutable = Files.writeString(dir.resolve("tool"), "x");
    assertThat(CommandRunner.find(notExecutable.toString())).isEmpty();
    assertThatThrownBy(() -> CommandRunner.local().run(List.of("breakwater-no-such-tool"), Duration.ofSeconds(1)))
        .isInstanceOf(EnvironmentProblem.class).hasMessageContaining("is not installed");
  }
}
