package dev.breakwater.firewall;

import dev.breakwater.net.IpFamily;
import dev.breakwater.plan.PlanDiff;
import dev.breakwater.policy.ChainState;
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
 * Apply and rollback with the nft backend: back up the table ({@code nft list table}, or
 * "absent"), replace it in one {@code nft -f}, read it back and compare it with what was
 * written; on any failure, one {@code nft -f} puts the previous table back (or deletes ours).
 * One transaction covers IPv4 and IPv6 (an inet table), so there is no moment when one family
 * has the new policy and the other the old.
 */
final class NftTransaction {
  private final NftBackend nft;
  private final StateStore store;

  NftTransaction(NftBackend nft, StateStore store) {
    this.nft = nft;
    this.store = store;
  }

  ApplyTransaction.Outcome apply(CompiledPolicy compiled, ApplyTransaction.Intent intent) {
    NftPolicyText planned = NftPolicyText.of(compiled);
    Optional<String> before = nft.listTable();
    Optional<NftTableListing> current = before.map(NftTableListing::parse);
    List<PlanDiff.Line> changes = changes(current, planned);
    if (current.isPresent() && current.get().matches(planned)) {
      return new ApplyTransaction.Outcome(Map.of(), changes);
    }
    ApplyTransaction.recordIntent(intent, PriorState.nft(before));
    try {
      nft.load(planned.replaceScript());
      Optional<NftTableListing> after = nft.listTable().map(NftTableListing::parse);
      if (after.isEmpty() || !after.get().matches(planned)) {
        throw new ApplyException("nft list table " + NftPolicyText.FAMILY + " " + NftPolicyText.TABLE
            + " does not show the planned table after the load");
      }
    } catch (ApplyException failure) {
      String back;
      try {
        putBack(before);
        back = "; the previous table is back in force";
      } catch (ApplyException e) {
        back = "; putting the previous table back ALSO failed: " + e.getMessage() + " (backup in " + store.dir() + ")";
      }
      throw new ApplyException(failure.getMessage() + back);
    }
    return new ApplyTransaction.Outcome(Map.of(), changes);
  }

  /**
   * Makes the sets of the table in force ({@code current}, as nft lists it or as the last apply
   * wrote it) hold {@code compiled}'s sources by {@code delta}: one {@code nft -f} of element lines,
   * no rule rewritten. Then the table is listed and compared with the plan, as after a replace; a
   * mismatch puts {@code current} back. Watch's element updates keep the state of the last apply:
   * a rollback still returns to the state before that apply.
   */
  ApplyTransaction.Outcome updateElements(String current, NftElementDelta delta, CompiledPolicy compiled) {
    NftPolicyText planned = NftPolicyText.of(compiled);
    List<PlanDiff.Line> changes = changes(Optional.of(NftTableListing.parse(current)), planned);
    if (delta.isEmpty()) {
      return new ApplyTransaction.Outcome(Map.of(), changes);
    }
    nft.load(delta.script()); // refused as a whole: nothing changed
    Optional<NftTableListing> after = nft.listTable().map(NftTableListing::parse);
    if (after.isEmpty() || !after.get().matches(planned)) {
      String back;
      try {
        putBack(Optional.of(current));
        back = "; the previous table is back in force";
      } catch (ApplyException e) {
        back = "; putting the previous table back ALSO failed: " + e.getMessage();
      }
      throw new ApplyException("nft list table " + NftPolicyText.FAMILY + " " + NftPolicyText.TABLE
          + " does not show the planned sets after the element update" + back);
    }
    return new ApplyTransaction.Outcome(Map.of(), changes);
  }

  /** Puts back {@code previous} (empty: no table); both families, or none when it already was so. */
  List<IpFamily> rollback(Optional<String> previous) {
    Optional<String> live = nft.listTable();
    if (same(live, previous)) {
      return List.of();
    }
    putBack(previous);
    return List.of(IpFamily.V4, IpFamily.V6);
  }

  private void putBack(Optional<String> previous) {
    nft.load(NftPolicyText.restoreScript(previous));
    if (!same(nft.listTable(), previous)) {
      throw new ApplyException("nft list table " + NftPolicyText.FAMILY + " " + NftPolicyText.TABLE
          + " does not show the previous table after restoring it");
    }
  }

  private static boolean same(Optional<String> a, Optional<String> b) {
    return a.map(NftTableListing::parse).equals(b.map(NftTableListing::parse));
  }

  /** The chain's rules as a line diff, then each set whose elements differ as its old and new declaration. */
  static List<PlanDiff.Line> changes(Optional<NftTableListing> current, NftPolicyText planned) {
    List<String> rules = current.flatMap(c -> c.rules(NftPolicyText.CHAIN)).orElse(List.of());
    List<PlanDiff.Line> lines = new ArrayList<>(
        PlanDiff.between(IpFamily.V4, new ChainState(true, rules, List.of(1), true), planned.rules()).lines());
    Map<String, List<IPAddress>> sets = current.map(NftTableListing::sets).orElse(Map.of());
    for (var set : sets.entrySet()) {
      if (planned.set(set.getKey()).isEmpty()) {
        lines.add(new PlanDiff.Line('-', declaration(set.getKey(), set.getValue())));
      }
    }
    for (NftPolicyText.AllowSet set : planned.sets()) {
      List<IPAddress> wanted = dev.breakwater.net.AddressSets.union(set.prefixes());
      List<IPAddress> had = sets.get(set.name());
      if (!wanted.equals(had)) {
        if (had != null) {
          lines.add(new PlanDiff.Line('-', declaration(set.name(), had)));
        }
        lines.add(new PlanDiff.Line('+', declaration(set.name(), wanted)));
      }
    }
    return lines;
  }

  private static String declaration(String name, List<IPAddress> elements) {
    return "set " + name + " { " + String.join(", ", elements.stream().map(PolicyCompiler::prefixText).toList()) + " }";
  }
}
