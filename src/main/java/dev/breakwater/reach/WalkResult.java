package dev.breakwater.reach;

import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.UnseenTable;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The end of one {@link Walk}.
 *
 * @param sourceDependencies address ranges of the source that some evaluated match tested:
 *     every source inside one piece of the split they make would have walked the same way
 * @param forwardChainsReached per {@code table/chain} walked in FORWARD, the highest rule
 *     position reached (by identity: cheap to record on every walk)
 * @param lastSourceTest the last rule whose match tested the source address before the decision
 * @param unseenDecides unseen tables on the path that could change the outcome: a nat table whose
 *     DNAT the walk chose or declined, a table that could drop what the walk accepted
 * @param mayBeDropped whether an unseen table on the accepted path could still drop the packet
 * @param sourcePortTests the source-port ranges matches tested ({@code --sport}, {@code --ctorigsrcport})
 * @param flagsTested the TCP flag bits {@code --tcp-flags}/{@code --syn} matches tested
 * @param headerTests the extension-header tests matches made ({@link ExtensionHeaders#key})
 * @param runTimeState why uncertain matches on the way are unknowable: host state filled at run
 *     time (a set a SET target writes, a recent list), in words
 */
record WalkResult(
    boolean accepted,
    Optional<Rule> decidedBy,
    java.util.function.Supplier<String> describeDecision,
    List<TraceStep> steps,
    List<Rule> uncertain,
    List<Span> sourceDependencies,
    Map<ChainIndex, Integer> forwardChainsReached,
    Optional<NatStep> nat,
    Optional<RouteDecision> route,
    Optional<Delivery> delivery,
    IPAddress finalDestination,
    int finalDestinationPort,
    Optional<Rule> lastSourceTest,
    List<UnseenTable> unseenDecides,
    boolean mayBeDropped,
    List<dev.breakwater.net.PortRange> sourcePortTests,
    int flagsTested,
    java.util.Set<String> headerTests,
    List<String> runTimeState) {

  /** The deciding step in words ({@code filter/DOCKER #1 (line 40) ACCEPT}). */
  String decision() {
    return describeDecision.get();
  }

  WalkResult {
    steps = List.copyOf(steps);
    uncertain = List.copyOf(uncertain);
    sourceDependencies = List.copyOf(sourceDependencies);
    unseenDecides = List.copyOf(unseenDecides);
    sourcePortTests = List.copyOf(sourcePortTests);
    headerTests = java.util.Set.copyOf(headerTests);
    runTimeState = List.copyOf(runTimeState);
  }
}
