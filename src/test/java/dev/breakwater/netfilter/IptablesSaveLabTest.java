package dev.breakwater.netfilter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.IpFamily;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real thing: load a ruleset into the kernel of a private network namespace with
 * iptables-restore (nft and legacy backends, IPv4 and IPv6), read it back with iptables-save -c,
 * and check the parser reads the kernel's spelling as the same rules as the text that was loaded
 * (the kernel rewrites {@code --syn}, dotted masks, implicit {@code -m udp}, MARK options...).
 */
@Tag("lab")
class IptablesSaveLabTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"iptables, nft, V4, lab-rules-v4.txt", "iptables, legacy, V4, lab-rules-v4.txt",
      "ip6tables, nft, V6, lab-rules-v6.txt", "ip6tables, legacy, V6, lab-rules-v6.txt"})
  void theKernelsDumpMeansWhatWasLoaded(String tool, String backend, IpFamily family, String rules) throws Exception {
    Assumptions.assumeTrue(isRoot(),
        "needs root to create a network namespace and load rules into it");
    // As root a missing tool is a failure, not a skip: CI installs it.
    if (!(Files.isExecutable(Path.of("/usr/sbin/" + tool + "-" + backend + "-restore")))) {
      throw new AssertionError(tool + "-" + backend + "-restore is not installed");
    }
    String loaded = IptablesSaveParserTest.fixture(rules);
    String namespace = "bw-prs-" + ProcessHandle.current().pid() + "-" + backend.charAt(0) + family.name().charAt(1);
    run(List.of("ip", "netns", "add", namespace), null);
    try {
      Path input = Files.createTempFile("bw-prs-", ".rules");
      try {
        Files.writeString(input, loaded);
        run(List.of("ip", "netns", "exec", namespace, tool + "-" + backend + "-restore"), input);
      } finally {
        Files.deleteIfExists(input);
      }
      String saved = run(List.of("ip", "netns", "exec", namespace, tool + "-" + backend + "-save", "-c"), null);

      Ruleset expected = IptablesSaveParser.parse(loaded, family, rules);
      Ruleset actual = IptablesSaveParser.parse(saved, family, tool + "-" + backend + "-save");

      for (Table table : expected.tables().values()) {
        for (Chain chain : table.chains().values()) {
          Chain back = actual.chain(table.name(), chain.name()).orElseThrow();
          assertThat(back.policy()).isEqualTo(chain.policy());
          assertThat(back.rules()).hasSameSizeAs(chain.rules());
          for (int i = 0; i < chain.rules().size(); i++) {
            Rule want = chain.rules().get(i);
            Rule got = back.rules().get(i);
            assertThat(got.matches()).as(got.text()).containsExactlyElementsOf(want.matches());
            assertThat(sameTarget(got.target(), want.target())).as(got.text() + " vs " + want.text()).isTrue();
            assertThat(got.counters()).isEqualTo(Counters.NONE);
            assertThat(got.position()).isEqualTo(i + 1);
          }
        }
      }
      assertThat(withoutPlace(actual.warnings())).isEqualTo(withoutPlace(expected.warnings()));
    } finally {
      run(List.of("ip", "netns", "del", namespace), null);
    }
  }

  /** Warnings without their {@code file:line: } prefix, which differs between the two dumps. */
  private static List<String> withoutPlace(List<String> warnings) {
    List<String> out = new ArrayList<>();
    for (String w : warnings) {
      out.add(w.substring(w.indexOf(": ") + 2));
    }
    return out;
  }

  /** The kernel rewrites a target's options (MARK --set-mark becomes --set-xmark), not its meaning. */
  private static boolean sameTarget(Target got, Target want) {
    if (got instanceof Target.Continue g && want instanceof Target.Continue w) {
      return g.name().equals(w.name());
    }
    return got.equals(want);
  }

  private static boolean isRoot() {
    try {
      return run(List.of("id", "-u"), null).strip().equals("0");
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String run(List<String> command, Path stdin) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    Path err = Files.createTempFile("bw-prs-", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": timed out");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + Files.readString(err));
      }
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
