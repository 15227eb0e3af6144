package dev.breakwater.reach;

import dev.breakwater.netfilter.Rule;
import java.util.List;

/**
 * What happens to a new connection. {@link #label()} is the stable JSON value.
 *
 * <p>Never "blocked" when unsure: an answer that depends on something the engine cannot evaluate
 * (an unknown match or target, an unresolved ipset, a missing ip6tables dump) is
 * {@link PossiblyReachable}, naming what made it uncertain.
 */
public sealed interface Verdict {

  String label();

  /** Ordering used when several paths can reach a port: reachable beats possibly beats blocked. */
  int strength();

  record Reachable() implements Verdict {
    @Override
    public String label() {
      return "reachable";
    }

    @Override
    public int strength() {
      return 2;
    }
  }

  record Blocked() implements Verdict {
    @Override
    public String label() {
      return "blocked";
    }

    @Override
    public int strength() {
      return 0;
    }
  }

  /**
   * @param uncertainBecause the rules whose unknown match or target decides between outcomes
   * @param reasons what else made the answer uncertain ({@code no ip6tables dump})
   */
  record PossiblyReachable(List<Rule> uncertainBecause, List<String> reasons) implements Verdict {
    public PossiblyReachable {
      uncertainBecause = List.copyOf(uncertainBecause);
      reasons = List.copyOf(reasons);
    }

    @Override
    public String label() {
      return "possibly-reachable";
    }

    @Override
    public int strength() {
      return 1;
    }
  }

  Verdict REACHABLE = new Reachable();
  Verdict BLOCKED = new Blocked();
}
