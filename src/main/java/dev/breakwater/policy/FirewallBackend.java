package dev.breakwater.policy;

import java.util.Locale;
import java.util.Optional;

/**
 * Which kind of firewall a change is written to: the {@code BREAKWATER} chain jumped to from
 * DOCKER-USER (firewall.IptablesBackend), or the {@code inet breakwater} nft table at
 * {@code forward} priority {@code filter - 1} (firewall.NftBackend). An apply records its kind in
 * the state directory, so that rollback and the rollback timer undo it with the same kind.
 */
public enum FirewallBackend {
  IPTABLES,
  NFT;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<FirewallBackend> tryParse(String text) {
    for (FirewallBackend b : values()) {
      if (b.label().equals(text.strip())) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }
}
