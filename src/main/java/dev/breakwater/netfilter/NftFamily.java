package dev.breakwater.netfilter;

import dev.breakwater.net.IpFamily;
import java.util.Locale;
import java.util.Optional;

/** An nftables table's family, as {@code nft} spells it. */
public enum NftFamily {
  IP,
  IP6,
  INET,
  ARP,
  BRIDGE,
  NETDEV;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether this family's base chains see packets of {@code family} at the IP hooks: {@code ip}
   * sees IPv4, {@code ip6} IPv6, {@code inet} both. {@code netdev} ingress sees every packet of its
   * device before the IP stack, so it applies to both too; {@code arp} and {@code bridge} never see
   * a routed IP packet.
   */
  public boolean sees(IpFamily family) {
    return switch (this) {
      case IP -> family == IpFamily.V4;
      case IP6 -> family == IpFamily.V6;
      case INET, NETDEV -> true;
      case ARP, BRIDGE -> false;
    };
  }

  public static Optional<NftFamily> tryParse(String text) {
    for (NftFamily f : values()) {
      if (f.label().equals(text)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
