package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.system.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.AutoComplete;

/**
 * The package's zsh completion ({@code packaging/deb/_breakwater}) in a real interactive zsh: a
 * TAB typed after {@code breakwater au} (through zpty and zle, by {@code
 * packaging/zsh-complete.zsh}) completes the verb, with the bash script picocli generates from
 * this build's command model, as build-deb.sh installs it.
 */
class ZshCompletionTest {
  private static final Duration SHELL_TIME = Duration.ofSeconds(60);
  private static final String INSTALLED_BASH_SCRIPT = "/usr/share/bash-completion/completions/breakwater";
  private static Path zsh;

  @TempDir Path tmp;
  private Path functions;

  @BeforeAll
  static void findZsh() {
    Optional<Path> found = CommandRunner.find("zsh");
    if (found.isEmpty()) {
      String reason = "ZshCompletionTest skipped: zsh is not installed (apt-get install zsh)";
      System.out.println(reason);
      Assumptions.abort(reason);
    }
    zsh = found.get();
  }

  /** _breakwater in its own fpath directory, sourcing the bash script written here instead of the installed one. */
  @BeforeEach
  void installTheCompletionInATemporaryFpath() throws IOException {
    Path bash = tmp.resolve("breakwater.bash");
    Files.writeString(bash, AutoComplete.bash("breakwater", Main.newCommandLine()));
    String function = Files.readString(Path.of("packaging/deb/_breakwater"));
    assertThat(function).startsWith("#compdef breakwater\n").contains(INSTALLED_BASH_SCRIPT);
    functions = Files.createDirectories(tmp.resolve("functions"));
    Files.writeString(functions.resolve("_breakwater"), function.replace(INSTALLED_BASH_SCRIPT, bash.toString()));
  }

  private String typeAndTab(Path fpath, String line) {
    CommandRunner.Result r = CommandRunner.local().run(
        List.of(zsh.toString(), "-f", "packaging/zsh-complete.zsh", fpath.toString(), line), SHELL_TIME);
    assertThat(r.exitCode()).as("zsh-complete.zsh: %s", r.stderr()).isZero();
    return r.stdout().strip();
  }

  @Test
  void aTabAfterAuCompletesTheVerb() {
    assertThat(typeAndTab(functions, "breakwater au")).isEqualTo("audit");
  }

  @Test
  void aTabAfterAnOptionPrefixCompletesTheVerbsOption() {
    assertThat(typeAndTab(functions, "breakwater audit --fo")).isEqualTo("audit --format");
  }

  @Test
  void withoutTheCompletionFunctionTheSameTabCompletesNothing() throws IOException {
    // The control: the words stay as typed when zsh has no _breakwater, so the tests above see the
    // function's work. An installed package's _breakwater is on zsh's default fpath and would answer.
    Assumptions.assumeFalse(Files.exists(Path.of("/usr/share/zsh/vendor-completions/_breakwater")),
        "the breakwater package is installed: its completion answers the control");
    assertThat(typeAndTab(Files.createDirectories(tmp.resolve("empty")), "breakwater au")).isEqualTo("au");
  }
}
