package dev.breakwater.firewall;

import dev.breakwater.net.IpFamily;
import dev.breakwater.policy.FirewallBackend;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a change is rolled back to, as read from the kernel just before it: the filter table per
 * family ({@code iptables-save -t filter}) for the iptables backend, or the {@code inet breakwater}
 * table as {@code nft list table} prints it (empty: there was none) for the nft backend.
 */
public record PriorState(FirewallBackend backend, Map<IpFamily, String> filterTables, Optional<String> nftTable) {
  public PriorState {
    EnumMap<IpFamily, String> copy = new EnumMap<>(IpFamily.class);
    copy.putAll(filterTables);
    filterTables = java.util.Collections.unmodifiableMap(copy);
  }

  static PriorState iptables(Map<IpFamily, String> tables) {
    return new PriorState(FirewallBackend.IPTABLES, tables, Optional.empty());
  }

  static PriorState nft(Optional<String> table) {
    return new PriorState(FirewallBackend.NFT, Map.of(), table);
  }
}
