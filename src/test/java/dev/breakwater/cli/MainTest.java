package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void versionNamesTheProductAndTheJava() {
    CliRun r = run("--version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("breakwater ").contains("Java " + Runtime.version().feature());
  }

  @Test
  void helpListsEveryVerbOfTheDesign() {
    CliRun r = run("--help");
    assertThat(r.exit()).isZero();
    for (String verb : new String[] {"audit", "trace", "snapshot", "lint", "fix", "plan", "apply",
        "rollback", "watch", "probe", "lab", "demo"}) {
      assertThat(r.out()).contains("  " + verb + " ");
    }
  }

  @Test
  void theTreeBuiltForTheArgumentsAnswersAsTheWholeTreeDoes() {
    List<String[]> cases = new ArrayList<>();
    for (String verb : Main.VERBS.keySet()) {
      cases.add(new String[] {verb, "--help"});
      cases.add(new String[] {verb, "--no-such-option"});
      cases.add(new String[] {"help", verb});
    }
    cases.add(new String[] {"--version"});
    cases.add(new String[] {"-V"});
    cases.add(new String[] {"-V", "--version"});
    cases.add(new String[] {"--help"});
    cases.add(new String[] {});
    cases.add(new String[] {"audti"});
    cases.add(new String[] {"lab", "up", "--help"});
    cases.add(new String[] {"audit", "--format", "JSON", "--from", "/nonexistent-breakwater-dir"});
    for (String[] args : cases) {
      assertThat(CliRun.of(args)).as(String.join(" ", args)).isEqualTo(CliRun.on(Main.newCommandLine(), args));
    }
    assertThat(Main.newCommandLine("--version").getSubcommands()).isEmpty();
    assertThat(Main.newCommandLine("audit", "--from", "x").getSubcommands()).containsOnlyKeys("audit");
    assertThat(Main.newCommandLine("help", "audit").getSubcommands()).containsOnlyKeys(Main.VERBS.keySet());
  }

  @Test
  void theAnnotatedTreeForTheManPagesHasEveryVerb() {
    assertThat(new CommandLine(new Main.Tree()).getSubcommands()).containsOnlyKeys(Main.VERBS.keySet());
    assertThat(new CommandLine(new Main.Tree()).getCommandName()).isEqualTo("breakwater");
  }

  @Test
  void anUnknownOptionIsBadInputWithExitTwoAndNoStackTrace() {
    CliRun r = run("--no-such-option");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--no-such-option").doesNotContain("at dev.breakwater");
  }

  @Test
  void aSnapshotDirectoryThatCannotBeMadeIsOneLineNotAnInternalError() {
    // It once printed "internal error" and a trace (UncheckedIOException), exit 3.
    CliRun r = CliRun.of("snapshot", "--out", "/proc/breakwater-cannot-be-here");
    assertThat(r.err()).doesNotContain("internal error").contains("cannot create the snapshot directory /proc/breakwater-cannot-be-here");
    assertThat(r.exit()).isEqualTo(2);
  }
}
