package dev.breakwater.reach.oracle;

import dev.breakwater.system.RootCheck;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The engine's trace verdicts against what the kernel really does, case by case, on a fixed-seed
 * set sized for CI. {@code -Dbreakwater.seed=N} starts at another seed,
 * {@code -Dbreakwater.oracle.rulesets=N} and {@code -Dbreakwater.oracle.cases=N} change the size;
 * {@code bench/kernel-oracle.sh} runs a long set outside Maven.
 */
@Tag("lab")
class KernelOracleTest {

  @Test
  void theEngineAgreesWithTheKernel() throws Exception {
    RootCheck.assumeRoot("needs root: creates network namespaces (bwo-*) and loads rulesets with iptables-restore in them");
    long firstSeed = Long.getLong("breakwater.seed", 1);
    int rulesets = Integer.getInteger("breakwater.oracle.rulesets", 25);
    int perRuleset = Integer.getInteger("breakwater.oracle.cases", 40);

    KernelOracle.Result result = new KernelOracle(System.out).run(firstSeed, rulesets, perRuleset);

    System.out.println(KernelOracle.summary(result));
    assertThat(result.cases()).isGreaterThan(rulesets * perRuleset / 2);
    assertThat(result.mismatches()).as("cases where the engine's verdict is not what the kernel did (printed above)")
        .extracting(KernelOracle.Mismatch::describe)
        .isEmpty();
  }
}
