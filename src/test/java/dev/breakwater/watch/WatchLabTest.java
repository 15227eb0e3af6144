package dev.breakwater.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.lab.AttackerProbe;
import dev.breakwater.lab.Lab;
import dev.breakwater.lab.LabTools;
import dev.breakwater.lab.Scenario;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.policy.ChainState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * watch against the real lab: its dockerd's events, the lab host's firewall (through nsenter,
 * never the machine's own), and real connections from the two attacker addresses. The policy is
 * default deny with 8080 open to anyone; containers bring their own allows as labels.
 */
@Tag("lab")
class WatchLabTest {
  static final String ALLOWED = Lab.ATTACKER_ADDRESSES.get(0);
  static final String DENIED = Lab.ATTACKER_ADDRESSES.get(1);
  static final Duration WAIT = Duration.ofSeconds(30);
  static final List<String> LAB_LOG = new ArrayList<>();
  static Lab lab;

  @TempDir Path tmp;

  @BeforeAll
  static void up() {
    LabTools.require();
    // Lab.up waits for any other lab session on this machine to end (LabLock).
    lab = Lab.standard(LAB_LOG::add);
    lab.up(Scenario.seedIncident());
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.down();
    }
  }

  @Test
  void aContainerStartedWithAnAllowLabelIsReachableFromTheAllowedAddressOnly() throws Exception {
    try (LabWatch watch = new LabWatch(lab, tmp.resolve("state"), Duration.ofMinutes(10), false)) {
      assertThat(watch.awaitLine(0, l -> l.contains("cause=startup"), WAIT)).as("startup apply: %s", watch.lines()).isPresent();
      int mark = watch.lines().size();
      try {
        run("run", "-d", "--name", "labelled", "-p", "9001:80", "--label", "breakwater.allow=" + ALLOWED + "/32",
            Lab.IMAGE, "httpd", "-f", "-p", "80", "-h", "/");

        String line = watch.awaitLine(mark, l -> l.contains("event=drift-corrected") && l.contains("container=labelled"), WAIT)
            .orElseThrow(() -> new AssertionError("no correction for the new container: " + watch.lines()));
        assertThat(line).contains("family=ipv4", "cause=container-start");

        List<AttackerProbe.Result> results = lab.probe(List.of(
            new AttackerProbe.Probe(ALLOWED, Lab.HOST_ADDRESS, 9001),
            new AttackerProbe.Probe(DENIED, Lab.HOST_ADDRESS, 9001),
            new AttackerProbe.Probe(DENIED, Lab.HOST_ADDRESS, 3306),
            new AttackerProbe.Probe(DENIED, Lab.HOST_ADDRESS, 8080)));
        assertThat(results.get(0).outcome()).as("allowed address -> 9001: %s", results.get(0)).isEqualTo(AttackerProbe.Outcome.CONNECTED);
        assertThat(results.get(1).outcome()).as("other address -> 9001: %s", results.get(1)).isEqualTo(AttackerProbe.Outcome.TIMED_OUT);
        assertThat(results.get(2).outcome()).as("the db stays denied: %s", results.get(2)).isEqualTo(AttackerProbe.Outcome.TIMED_OUT);
        assertThat(results.get(3).outcome()).as("8080 is open to anyone: %s", results.get(3)).isEqualTo(AttackerProbe.Outcome.CONNECTED);
      } finally {
        run("rm", "-f", "labelled");
      }
      // Its rules go when it goes (the first event of its end may be the network's or the container's).
      watch.awaitLine(mark, l -> l.contains("event=drift-corrected") && l.contains("container=labelled") && l.contains("added=0 removed=2"), WAIT)
          .orElseThrow(() -> new AssertionError("no correction after the container was removed: " + watch.lines()
              + " checks in-force=" + watch.metrics().checks("in-force") + " corrected=" + watch.metrics().checks("corrected")
              + " failed=" + watch.metrics().checks("failed") + "\n" + threads()));
      assertThat(liveChain(watch)).noneMatch(rule -> rule.contains("9001"));
    }
  }

  @Test
  void aFlushedChainIsPutBackAndTheDatabaseIsDeniedAgain() throws Exception {
    try (LabWatch watch = new LabWatch(lab, tmp.resolve("state"), Duration.ofSeconds(1), false)) {
      assertThat(watch.awaitLine(0, l -> l.contains("cause=startup"), WAIT)).as("startup apply: %s", watch.lines()).isPresent();
      List<String> inForce = liveChain(watch);
      assertThat(probe(DENIED, 3306)).isEqualTo(AttackerProbe.Outcome.TIMED_OUT);
      int mark = watch.lines().size();

      CommandRunner.Result flush = lab.onHost(List.of("iptables", "-F", "BREAKWATER"), WAIT);
      assertThat(flush.ok()).as("%s", flush).isTrue();

      String line = watch.awaitLine(mark, l -> l.contains("event=drift-corrected") && l.contains("cause=interval"), WAIT)
          .orElseThrow(() -> new AssertionError("the flush was not corrected: " + watch.lines()));
      assertThat(line).contains("family=ipv4", "added=" + inForce.size(), "removed=0");
      assertThat(liveChain(watch)).isEqualTo(inForce);
      assertThat(probe(DENIED, 3306)).isEqualTo(AttackerProbe.Outcome.TIMED_OUT);
    }
  }

  @Test
  void ufwReloadLeavesThePolicyInForceAndWatchFindsNothingToCorrect() throws Exception {
    try (LabWatch watch = new LabWatch(lab, tmp.resolve("state"), Duration.ofMillis(500), false)) {
      assertThat(watch.awaitLine(0, l -> l.contains("cause=startup"), WAIT)).as("startup apply: %s", watch.lines()).isPresent();
      List<String> inForce = liveChain(watch);
      int mark = watch.lines().size();

      CommandRunner.Result reload = lab.onHost(List.of("ufw", "reload"), WAIT);
      assertThat(reload.ok()).as("%s", reload).isTrue();
      double checks = watch.metrics().checks("in-force");
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (watch.metrics().checks("in-force") < checks + 2 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }

      assertThat(watch.metrics().checks("in-force")).as("two interval checks ran after the reload").isGreaterThanOrEqualTo(checks + 2);
      assertThat(watch.lines().subList(mark, watch.lines().size())).as("nothing had to be corrected").noneMatch(l -> l.contains("drift-corrected"));
      assertThat(liveChain(watch)).isEqualTo(inForce);
      assertThat(probe(DENIED, 3306)).isEqualTo(AttackerProbe.Outcome.TIMED_OUT);
    }
  }

  @Test
  void withDefaultDenyAStartingContainerIsNeverReachableFromTheDeniedAddress() throws Exception {
    Path stop = tmp.resolve("stop-probing");
    List<RunningProbe> probes = new ArrayList<>();
    try (LabWatch watch = new LabWatch(lab, tmp.resolve("state"), Duration.ofMinutes(10), false)) {
      assertThat(watch.awaitLine(0, l -> l.contains("cause=startup"), WAIT)).as("startup apply: %s", watch.lines()).isPresent();
      int mark = watch.lines().size();
      try {
        RunningProbe denied = startProbe(DENIED, 9003, stop);
        RunningProbe allowed = startProbe(ALLOWED, 9003, stop);
        probes.addAll(List.of(denied, allowed));

        run("run", "-d", "--name", "starting", "-p", "9003:80", "--label", "breakwater.allow=" + ALLOWED + "/32",
            Lab.IMAGE, "httpd", "-f", "-p", "80", "-h", "/");
        watch.awaitLine(mark, l -> l.contains("event=drift-corrected") && l.contains("container=starting"), WAIT)
            .orElseThrow(() -> new AssertionError("no correction for the new container: " + watch.lines()));
        // Keep probing a while after the allow is in place: the allowed address must get in.
        TimeUnit.SECONDS.sleep(2);
        Files.writeString(stop, "stop");

        String deniedCounts = denied.counts();
        String allowedCounts = allowed.counts();
        assertThat(allowedCounts).as("the allowed address got in once its allow was in place").doesNotContain("connected=0 ");
        assertThat(LabWatch.field(deniedCounts, "attempts").map(Integer::parseInt).orElse(0)).as(deniedCounts).isGreaterThan(10);
        assertThat(deniedCounts).as("the denied address never connected, before, during or after the start").contains(" connected=0 ");
      } finally {
        Files.writeString(stop, "stop");
        for (RunningProbe p : probes) {
          if (!p.process().waitFor(10, TimeUnit.SECONDS)) {
            p.process().destroyForcibly();
          }
        }
        run("rm", "-f", "starting");
      }
    }
  }

  private static String threads() {
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      if (thread.getName().startsWith("breakwater")) {
        dump.append(thread.getName()).append('\n');
        for (StackTraceElement e : stack) {
          dump.append("    ").append(e).append('\n');
        }
      }
    });
    return dump.toString();
  }

  private static void run(String... args) {
    CommandRunner.Result result = LabWatch.docker(lab, args);
    assertThat(result.ok()).as("docker %s: %s", String.join(" ", args), result).isTrue();
  }

  private static List<String> liveChain(LabWatch watch) {
    return ChainState.of(IptablesSaveParser.parse(watch.firewall().saveFilter(IpFamily.V4), IpFamily.V4, "lab")).rules();
  }

  private static AttackerProbe.Outcome probe(String source, int port) {
    return lab.probe(List.of(new AttackerProbe.Probe(source, Lab.HOST_ADDRESS, port))).getFirst().outcome();
  }

  /** A {@link ContinuousProbe} in the attacker's namespace and its output. */
  record RunningProbe(Process process, BufferedReader out) {
    /** Its final counts line (with a trailing space, so "connected=0 " matches exactly). */
    String counts() throws Exception {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the probe stopped").isTrue();
      List<String> rest = out.lines().toList();
      return rest.stream().filter(l -> l.startsWith("attempts=")).findFirst()
          .orElseThrow(() -> new AssertionError("no counts: " + rest)) + " ";
    }
  }

  /** Starts a {@link ContinuousProbe} in the attacker's namespace; returns once it is probing. */
  private static RunningProbe startProbe(String source, int port, Path stop) throws Exception {
    List<String> argv = CommandRunner.inNetns(Lab.ATTACKER_NS).command(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), ContinuousProbe.class.getName(),
        source, Lab.HOST_ADDRESS, Integer.toString(port), stop.toString()));
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    assertThat(first).as("the probe from %s started", source).isEqualTo("ready");
    return new RunningProbe(process, out);
  }
}
