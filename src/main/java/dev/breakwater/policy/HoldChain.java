package dev.breakwater.policy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The BREAKWATER chain a family holds while the other family commits, when no order of the two
 * commits keeps the host within one of its ends ({@link CommitSequence}): stricter than both the
 * chain it replaces and the chain that follows it.
 *
 * <p>Why it is stricter than both: Breakwater's chains hold RELATED,ESTABLISHED returns, allows
 * ({@code -j RETURN}) and denies ({@code -j DROP}/{@code -j REJECT}); a packet that falls off the
 * end returns to DOCKER-USER. The hold keeps the first return and every deny of both chains and
 * no allow: a new connection it lets through matched no deny of either chain, so each of them
 * would have let it through too. Allowed sources are refused while the hold is in force (their
 * SYN is dropped and retried: TCP's first retransmission comes after 1 s, RFC 6298), which is the
 * price of never being looser than either end. A chain with any other target (a jump, ACCEPT
 * before a deny: not a chain Breakwater wrote) cannot be reasoned about this way; the hold is
 * then the strictest chain there is: established traffic only.
 */
public final class HoldChain {
  private HoldChain() {}

  private static final Set<String> KNOWN = Set.of("RETURN", "DROP", "REJECT");

  public static List<String> rules(List<String> from, List<String> to) {
    LinkedHashSet<String> rules = new LinkedHashSet<>();
    rules.add(PolicyCompiler.ESTABLISHED);
    for (List<String> chain : List.of(from, to)) {
      for (String rule : chain) {
        String target = target(rule);
        if (!KNOWN.contains(target)) {
          return List.of(PolicyCompiler.ESTABLISHED, "-A " + CompiledPolicy.CHAIN + " -j DROP");
        }
        if (!target.equals("RETURN")) {
          rules.add(rule);
        }
      }
    }
    return List.copyOf(rules);
  }

  /** The word after the last {@code -j}; "" when there is none (a rule that only counts). */
  static String target(String rule) {
    String[] words = rule.strip().split("\\s+");
    for (int i = words.length - 2; i >= 0; i--) {
      if (words[i].equals("-j")) {
        return words[i + 1];
      }
    }
    return "";
  }
}
