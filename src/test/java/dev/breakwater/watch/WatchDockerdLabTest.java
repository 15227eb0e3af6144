package dev.breakwater.watch;

import dev.breakwater.system.RootCheck;
import dev.breakwater.policy.Required;
import dev.breakwater.bench.WatchCliLatencyBench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.system.CommandRunner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * watch with a real dockerd: containers started after it (default deny, allow by label) become
 * reachable from their allowed source, never from the other one. Timing is measured by
 * bench/watch-latency.sh, not asserted here.
 */
@Tag("lab")
class WatchDockerdLabTest {
  @Test
  void containersStartedLaterGetTheirLabelAllowAndNothingMore() throws Exception {
    RootCheck.assumeRoot("needs root for namespaces and dockerd");
    Required.that(CommandRunner.find("dockerd").isPresent() && CommandRunner.find("curl").isPresent()
        && CommandRunner.find("busybox").isPresent(), "needs docker.io, curl and busybox");

    WatchCliLatencyBench.Result result = WatchCliLatencyBench.run(2);

    assertThat(result.latencies()).as(result.watchLog()).hasSize(2).allMatch(ms -> ms >= 0);
    assertThat(result.deniedGotIn()).as(result.watchLog()).isZero();
    // watch's log lines (docs/watch.md): the start-up check, then the corrections for the starts.
    assertThat(result.watchLog()).contains("cause=startup").contains("event=drift-corrected").contains("cause=container-start");
  }
}
