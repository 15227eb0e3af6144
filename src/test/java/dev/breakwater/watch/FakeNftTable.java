package dev.breakwater.watch;

import dev.breakwater.firewall.ApplyException;
import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.plan.PlanDiff;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.NftElementDelta;
import dev.breakwater.policy.NftPolicyText;
import dev.breakwater.policy.NftTableListing;
import dev.breakwater.policy.PolicyCompiler;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code inet breakwater} table in memory, as {@code nft list table} would print it. Like nft,
 * it refuses an element update that deletes an element the set does not hold (and then changes
 * nothing); it counts table replaces and element updates.
 */
final class FakeNftTable implements NftEnforcer {
  Optional<String> table = Optional.empty();
  final List<CompiledPolicy> replaces = new ArrayList<>();
  final List<NftElementDelta> updates = new ArrayList<>();
  int listings;

  @Override
  public Optional<String> liveTable() {
    listings++;
    return table;
  }

  @Override
  public ApplyTransaction.Outcome apply(CompiledPolicy compiled) {
    replaces.add(compiled);
    String planned = NftPolicyText.of(compiled).table();
    if (table.equals(Optional.of(planned))) {
      return new ApplyTransaction.Outcome(Map.of(), List.of());
    }
    table = Optional.of(planned);
    return new ApplyTransaction.Outcome(Map.of(), List.of(new PlanDiff.Line('+', "the table")));
  }

  @Override
  public ApplyTransaction.Outcome updateElements(String current, NftElementDelta delta, CompiledPolicy compiled) {
    NftTableListing live = NftTableListing.parse(table.orElseThrow(() -> new ApplyException("nft: no such table")));
    delta.delete().forEach((set, prefixes) -> {
      for (IPAddress p : prefixes) {
        if (!live.sets().getOrDefault(set, List.of()).contains(p)) {
          throw new ApplyException("nft -f - refused the change: Error: element does not exist: " + PolicyCompiler.prefixText(p));
        }
      }
    });
    updates.add(delta);
    table = Optional.of(NftPolicyText.of(compiled).table());
    return new ApplyTransaction.Outcome(Map.of(), List.of(new PlanDiff.Line('+', "set elements")));
  }

  /** Someone ran {@code nft delete element inet breakwater SET { ELEMENT }}. */
  void deleteElement(String element) {
    String text = table.orElseThrow();
    table = Optional.of(text.replace("elements = { " + element + " }\n", "").replace(element + ", ", "").replace(", " + element, ""));
  }
}
