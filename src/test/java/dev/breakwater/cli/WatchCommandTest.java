package dev.breakwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** watch's command line: what it teaches, and bad input refused before anything is touched. */
class WatchCommandTest {
  @TempDir Path tmp;

  @Test
  void helpTeachesTheLogLineTheMetricsAndTheService() {
    CliRun run = CliRun.of("watch", "--help");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("--policy=FILE", "--metrics=ADDRESS:PORT", "--interval=DURATION", "--netns=NAME",
        "event=drift-corrected", "breakwater_drift_corrections_total", "breakwater-watch.service");
  }

  @Test
  void badOptionsAreOneLineAndExitTwo() throws Exception {
    Path policy = Files.writeString(tmp.resolve("policy.yml"), "default: deny\n");
    for (String[] args : new String[][] {
        {"watch", "--policy", policy.toString(), "--metrics", "localhost:9105"},
        {"watch", "--policy", policy.toString(), "--metrics", "127.0.0.1:99999"},
        {"watch", "--policy", policy.toString(), "--interval", "soon"},
        {"watch", "--policy", policy.toString(), "--interval", "0s"},
        {"watch", "--policy", policy.toString(), "--netns", "../x"}}) {
      CliRun run = CliRun.of(args);
      assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.err().strip()).as(String.join(" ", args)).doesNotContain("\n").doesNotContain("Exception")
          .containsAnyOf("--metrics", "--interval", "--netns");
    }
  }

  @Test
  void aBadPolicyIsRefusedWithItsPosition() throws Exception {
    Path policy = Files.writeString(tmp.resolve("policy.yml"), "default: deny\nallow:\n  - port: 3306\n    from: 10.1.2.3/8\n");
    CliRun run = CliRun.of("watch", "--policy", policy.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("policy.yml:4:").contains("10.0.0.0/8");
  }
}
