package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = Main.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void versionNamesTheProductAndTheJava() {
    Run r = run("--version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("breakwater ").contains("Java " + Runtime.version().feature());
  }

  @Test
  void helpListsEveryVerbOfTheDesign() {
    Run r = run("--help");
    assertThat(r.exit()).isZero();
    for (String verb : new String[] {"audit", "trace", "snapshot", "lint", "fix", "plan", "apply",
        "rollback", "watch", "probe", "lab", "demo"}) {
      assertThat(r.out()).contains("  " + verb + " ");
    }
  }

  @Test
  void anUnknownOptionIsBadInputWithExitTwoAndNoStackTrace() {
    Run r = run("--no-such-option");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--no-such-option").doesNotContain("at dev.breakwater");
  }
}
