package dev.breakwater.policy;


import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Breakwater owns in one family's filter table: the {@code BREAKWATER} chain's rules (empty
 * when the chain does not exist) and the positions of the DOCKER-USER rules that jump to it.
 *
 * @param rules rule lines as iptables-save prints them, without counters
 * @param jumpPositions 1-based positions in DOCKER-USER of {@code -j BREAKWATER} rules
 */
public record ChainState(boolean chainExists, List<String> rules, List<Integer> jumpPositions, boolean dockerUserExists) {

  public ChainState {
    rules = List.copyOf(rules);
    jumpPositions = List.copyOf(jumpPositions);
  }

  public static ChainState of(Ruleset ruleset) {
    Optional<Chain> chain = ruleset.chain(TableName.FILTER, CompiledPolicy.CHAIN);
    List<String> rules = chain.map(c -> c.rules().stream().map(ChainState::withoutCounters).toList()).orElse(List.of());
    Optional<Chain> dockerUser = ruleset.chain(TableName.FILTER, "DOCKER-USER");
    List<Integer> jumps = new ArrayList<>();
    if (dockerUser.isPresent()) {
      for (Rule rule : dockerUser.get().rules()) {
        if (withoutCounters(rule).equals(CompiledPolicy.JUMP)) {
          jumps.add(rule.position());
        }
      }
    }
    return new ChainState(chain.isPresent(), rules, jumps, dockerUser.isPresent());
  }

  /** True when the chain holds exactly {@code planned} and DOCKER-USER jumps to it once, first. */
  public boolean matches(List<String> planned) {
    return chainExists && rules.equals(planned) && jumpPositions.equals(List.of(1));
  }

  /** {@code iptables-save -c} prefixes {@code [packets:bytes] }; the rule itself is what follows. */
  public static String withoutCounters(Rule rule) {
    String text = rule.text().strip();
    if (text.startsWith("[")) {
      int end = text.indexOf(']');
      if (end > 0) {
        text = text.substring(end + 1).strip();
      }
    }
    return text.replaceAll("\\s+", " ");
  }
}
