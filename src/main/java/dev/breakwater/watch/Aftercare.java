package dev.breakwater.watch;

import dev.breakwater.policy.CompiledPolicy;
import java.util.List;

/**
 * What follows a correction once it is in force, off its latency path: the cut of open
 * connections the correction forbids ({@code firewall.FlowCut}: the chain and the table let ESTABLISHED traffic
 * through first, so a stranger's session opened before the correction would outlive it).
 */
@FunctionalInterface
public interface Aftercare {
  /**
   * @param cut whether the correction may forbid a connection that was let in before
   *     ({@code policy.ForbiddenFlows.narrows}, or the firewall had drifted)
   */
  Report after(CompiledPolicy compiled, boolean cut);

  /**
   * @param cut connections cut
   * @param notes what could not be done (no conntrack tool, a listing that failed)
   */
  record Report(int cut, List<String> notes) {
    public Report {
      notes = List.copyOf(notes);
    }

    public static final Report NOTHING = new Report(0, List.of());
  }

  /** No cut: watch as it was before corrections were followed up. */
  Aftercare NONE = (compiled, cut) -> Report.NOTHING;
}
