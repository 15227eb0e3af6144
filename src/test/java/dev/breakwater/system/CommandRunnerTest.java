package dev.breakwater.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    for (String bad : List.of("../etc", "a/b", "", "-n")) {
      assertThatThrownBy(() -> CommandRunner.inNetns(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void findsToolsOnPathAndInSystemDirectoriesOnly(@TempDir Path dir) throws Exception {
    assertThat(CommandRunner.find("sh")).hasValueSatisfying(p -> assertThat(p).isAbsolute());
    assertThat(CommandRunner.find("breakwater-no-such-tool")).isEmpty();
    Path notExecutable = Files.writeString(dir.resolve("tool"), "x");
    assertThat(CommandRunner.find(notExecutable.toString())).isEmpty();
    assertThatThrownBy(() -> CommandRunner.local().run(List.of("breakwater-no-such-tool"), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not installed");
  }
}
