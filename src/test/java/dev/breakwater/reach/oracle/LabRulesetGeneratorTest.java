package dev.breakwater.reach.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.TableName;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The oracle's generator without the kernel: deterministic, and nothing the engine cannot model. */
class LabRulesetGeneratorTest {

  @TestFactory
  Stream<DynamicTest> everyRulesetParsesWithoutUnknownsAndReplays() {
    return seeds().mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
      LabRuleset ruleset = LabRulesetGenerator.generate(seed);
      assertThat(LabRulesetGenerator.generate(seed)).isEqualTo(ruleset);
      Ruleset parsed = IptablesSaveParser.parse(ruleset.text(), IpFamily.V4, "seed " + seed);
      assertThat(parsed.warnings()).as(ruleset.text()).isEmpty();
      assertThat(parsed.chain(TableName.FILTER, "DOCKER-USER")).isPresent();
      assertThat(parsed.chain(TableName.NAT, "DOCKER")).isPresent();
      assertThat(ruleset.targets()).isNotEmpty();
      Ruleset twin = IptablesSaveParser.parse(Ipv6Twin.ruleset(ruleset.text()), IpFamily.V6, "seed " + seed + " (IPv6)");
      assertThat(twin.warnings()).as(Ipv6Twin.ruleset(ruleset.text())).isEmpty();
      assertThat(Ipv6Twin.ruleset(ruleset.text())).doesNotContainPattern("\\d+\\.\\d+\\.\\d+\\.\\d+");
    }));
  }

  private static LongStream seeds() {
    String one = System.getProperty("breakwater.seed");
    return one != null ? LongStream.of(Long.parseLong(one)) : LongStream.rangeClosed(1, 200);
  }
}
