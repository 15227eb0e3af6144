package dev.breakwater.reach.oracle;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Temporary: runs the kernel side alone. */
public final class KernelOnlyTry {
  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    try (KernelLab lab = KernelLab.up()) {
      System.out.println("up in " + (System.nanoTime() - t0) / 1_000_000 + " ms; " + KernelLab.backend());
      OracleCases picker = new OracleCases();
      Map<KernelOutcome, Integer> tally = new EnumMap<>(KernelOutcome.class);
      for (long seed = 1; seed <= Long.parseLong(args[0]); seed++) {
        LabRuleset rs = LabRulesetGenerator.generate(seed);
        lab.load(rs.text());
        List<ProbeCase> cases = picker.choose(rs, 40);
        List<KernelOutcome> out = lab.probe(cases);
        for (KernelOutcome o : out) {
          tally.merge(o, 1, Integer::sum);
        }
      }
      System.out.println(tally + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
  }
}
