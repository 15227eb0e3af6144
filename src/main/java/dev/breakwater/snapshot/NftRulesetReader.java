package dev.breakwater.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code nft -j list ruleset} for one purpose: finding the tables that {@code iptables-save}
 * does not show. iptables-nft keeps its rules in {@code ip}/{@code ip6} tables named like the
 * iptables tables, and iptables-save prints exactly those; any other table (firewalld's {@code
 * inet firewalld}, Docker 29's nftables backend {@code ip docker-bridges}, a hand-written {@code
 * inet filter}) also filters packets, and Breakwater does not analyse it yet.
 */
public final class NftRulesetReader {
  private static final Set<String> IPTABLES_FAMILIES = Set.of("ip", "ip6");
  private static final Set<String> IPTABLES_TABLES = Set.of("filter", "nat", "mangle", "raw", "security");

  private NftRulesetReader() {}

  /** The tables iptables-save does not show, as {@code family/name}, in file order. */
  public static List<String> tablesNotShownByIptables(String text, String source) {
    if (text.isBlank()) {
      return List.of();
    }
    JsonDocument document = JsonDocument.parse(text, source, "nft -j list ruleset");
    List<String> unseen = new ArrayList<>();
    for (JsonValue root : document.roots()) {
      if (!root.node().isObject() || !root.get("nftables").present()) {
        throw root.problem("expected {\"nftables\": [...]}, as nft -j list ruleset prints");
      }
      for (JsonValue item : root.get("nftables").elements("an array of nftables objects")) {
        JsonValue table = item.get("table");
        if (!table.present()) {
          continue;
        }
        String family = table.get("family").string().orElseThrow(() -> table.problem("expected the table's \"family\""));
        String name = table.get("name").string().orElseThrow(() -> table.problem("expected the table's \"name\""));
        if (!(IPTABLES_FAMILIES.contains(family) && IPTABLES_TABLES.contains(name))) {
          unseen.add(family + "/" + name);
        }
      }
    }
    return unseen;
  }
}
