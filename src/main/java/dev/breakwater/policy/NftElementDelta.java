package dev.breakwater.policy;

import dev.breakwater.net.AddressSets;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The change from one {@code inet breakwater} table to another when only the contents of its
 * allow sets differ: the same rules, the same sets by name (so the same protected ports), other
 * sources. Such a change is a few {@code add element}/{@code delete element} lines in one
 * {@code nft -f} (one kernel transaction), with no rule rewritten and no table replaced; any other
 * change is a whole-table replace ({@link NftPolicyText#replaceScript()}).
 *
 * @param add set name to the prefixes it gains (minimal blocks, as the compiler writes them)
 * @param delete set name to the prefixes it loses
 */
public record NftElementDelta(Map<String, List<IPAddress>> add, Map<String, List<IPAddress>> delete) {

  public NftElementDelta {
    add = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(add));
    delete = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(delete));
  }

  /** From the table the last change left in force to {@code after}; empty when a rule or a set name differs. */
  public static Optional<NftElementDelta> between(NftPolicyText before, NftPolicyText after) {
    Map<String, List<IPAddress>> sets = new LinkedHashMap<>();
    before.sets().forEach(s -> sets.put(s.name(), s.prefixes()));
    return between(before.rules(), sets, after);
  }

  /**
   * From the table as {@code nft list table} shows it to {@code after}; empty when the chain's
   * header, a rule, a chain or a set name differs (then only a replace restores it).
   */
  public static Optional<NftElementDelta> between(NftTableListing live, NftPolicyText after) {
    if (!live.chains().keySet().equals(java.util.Set.of(NftPolicyText.CHAIN))
        || !live.chains().get(NftPolicyText.CHAIN).stream().findFirst().equals(Optional.of(NftPolicyText.CHAIN_HEADER))) {
      return Optional.empty();
    }
    return between(live.rules(NftPolicyText.CHAIN).orElseThrow(), live.sets(), after);
  }

  private static Optional<NftElementDelta> between(List<String> rules, Map<String, List<IPAddress>> sets, NftPolicyText after) {
    if (!rules.equals(after.rules())) {
      return Optional.empty();
    }
    List<String> names = after.sets().stream().map(NftPolicyText.AllowSet::name).toList();
    if (!new ArrayList<>(sets.keySet()).stream().sorted().toList().equals(names.stream().sorted().toList())) {
      return Optional.empty();
    }
    Map<String, List<IPAddress>> add = new LinkedHashMap<>();
    Map<String, List<IPAddress>> delete = new LinkedHashMap<>();
    for (NftPolicyText.AllowSet set : after.sets()) {
      List<IPAddress> had = AddressSets.union(sets.get(set.name()));
      List<IPAddress> wanted = AddressSets.union(set.prefixes());
      List<IPAddress> gone = had.stream().filter(p -> !wanted.contains(p)).toList();
      List<IPAddress> come = wanted.stream().filter(p -> !had.contains(p)).toList();
      if (!gone.isEmpty()) {
        delete.put(set.name(), gone);
      }
      if (!come.isEmpty()) {
        add.put(set.name(), come);
      }
    }
    return Optional.of(new NftElementDelta(add, delete));
  }

  public boolean isEmpty() {
    return add.isEmpty() && delete.isEmpty();
  }

  /** How many prefixes the sets gain. */
  public int added() {
    return add.values().stream().mapToInt(List::size).sum();
  }

  /** How many prefixes the sets lose. */
  public int removed() {
    return delete.values().stream().mapToInt(List::size).sum();
  }

  /**
   * One {@code nft -f} script: the deletes first, so that a wider prefix replacing a narrower one
   * (198.51.100.0/24 by 198.51.100.0/23) never overlaps it in an interval set, which nft refuses
   * (lab, nft 1.0.6: delete /24 + add /23 in one script is accepted). An element that is not there
   * makes nft refuse the whole script: nothing changes, and the caller replaces the table.
   */
  public String script() {
    StringBuilder text = new StringBuilder();
    delete.forEach((set, prefixes) -> line(text, "delete", set, prefixes));
    add.forEach((set, prefixes) -> line(text, "add", set, prefixes));
    return text.toString();
  }

  private static void line(StringBuilder text, String verb, String set, List<IPAddress> prefixes) {
    text.append(verb).append(" element ").append(NftPolicyText.FAMILY).append(' ').append(NftPolicyText.TABLE).append(' ')
        .append(NftPolicyText.checkName(set)).append(" { ")
        .append(String.join(", ", prefixes.stream().map(PolicyCompiler::prefixText).toList())).append(" }\n");
  }
}
