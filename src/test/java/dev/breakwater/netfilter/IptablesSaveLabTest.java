package dev.breakwater.netfilter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.IpFamily;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    RootCheck.assumeRoot("needs root to create a network namespace and load rules into it");
    // As root a missing tool is a failure, not a skip: CI installs it.
    if (!(Files.isExecutable(Path.of("/usr/sbin/" + tool + "-" + backend + "-restore")))) {
      throw new AssertionError(tool + "-" + backend + "-restore is not installed");
    }
    String loaded = IptablesSaveParserTest.fixture(rules);
    try (TestNamespace namespace = new TestNamespace()) {
      namespace.load(tool + "-" + backend + "-restore", loaded);
      String saved = namespace.run(tool + "-" + backend + "-save", "-c");

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
    if (got instanceof Target.SetMark g && want instanceof Target.SetMark w) {
      // The kernel prints every MARK form as --set-xmark: the meaning must be the same.
      return g.kind() == w.kind() && g.from() == w.from() && g.clear() == w.clear() && g.xor() == w.xor();
    }
    return got.equals(want);
  }
}
