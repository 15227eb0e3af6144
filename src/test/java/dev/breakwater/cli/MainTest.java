package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
