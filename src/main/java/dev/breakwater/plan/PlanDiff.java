package dev.breakwater.plan;

import dev.breakwater.policy.ChainState;
import dev.breakwater.policy.CompiledPolicy;

import dev.breakwater.net.IpFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * The change one family's BREAKWATER chain and DOCKER-USER jump would see: a line diff (longest
 * common subsequence, so a reordering shows as a removal and an addition).
 *
 * @param lines the chain's rules with {@code ' '} (kept), {@code '-'} (removed) or {@code '+'} (added)
 * @param jumpChange what happens to the jump from DOCKER-USER, empty when nothing does
 */
public record PlanDiff(IpFamily family, List<Line> lines, String jumpChange) {

  public PlanDiff {
    lines = List.copyOf(lines);
  }

  public record Line(char op, String rule) {
    @Override
    public String toString() {
      return op + " " + rule;
    }
  }

  public static PlanDiff between(IpFamily family, ChainState current, List<String> planned) {
    List<String> before = current.rules();
    int[][] lcs = new int[before.size() + 1][planned.size() + 1];
    for (int i = before.size() - 1; i >= 0; i--) {
      for (int j = planned.size() - 1; j >= 0; j--) {
        lcs[i][j] = before.get(i).equals(planned.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<Line> lines = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < before.size() || j < planned.size()) {
      if (i < before.size() && j < planned.size() && before.get(i).equals(planned.get(j))) {
        lines.add(new Line(' ', before.get(i++)));
        j++;
      } else if (j < planned.size() && (i == before.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
        lines.add(new Line('+', planned.get(j++)));
      } else {
        lines.add(new Line('-', before.get(i++)));
      }
    }
    String jump;
    if (current.jumpPositions().equals(List.of(1))) {
      jump = "";
    } else if (current.jumpPositions().isEmpty()) {
      jump = "+ " + "-I DOCKER-USER 1 -j " + CompiledPolicy.CHAIN;
    } else {
      jump = "~ move the jump to " + CompiledPolicy.CHAIN + " to DOCKER-USER position 1 (now at " + current.jumpPositions() + ")";
    }
    String chain = current.chainExists() ? "" : "+ :" + CompiledPolicy.CHAIN + " - [0:0] (new chain)";
    if (!chain.isEmpty()) {
      jump = jump.isEmpty() ? chain : chain + "\n" + jump;
    }
    return new PlanDiff(family, lines, jump);
  }

  public boolean isEmpty() {
    return jumpChange.isEmpty() && lines.stream().allMatch(l -> l.op() == ' ');
  }

  public long added() {
    return lines.stream().filter(l -> l.op() == '+').count();
  }

  public long removed() {
    return lines.stream().filter(l -> l.op() == '-').count();
  }
}
