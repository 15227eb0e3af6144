package dev.breakwater.netfilter;

import java.util.Locale;
import java.util.Optional;

/**
 * An nftables base chain: a chain the kernel calls at a hook. Every base chain of every table on
 * a hook runs, in priority order (lower first), and an {@code accept} ends only its own chain: the
 * packet goes on to the next base chain, which may still drop it. iptables' tables are base chains
 * too, at fixed priorities ({@link #iptablesPriority}).
 *
 * @param chain the chain's name in its table
 * @param priority the number ({@code nft} prints named priorities as numbers in JSON: filter 0, raw -300)
 * @param device the device of a netdev ingress chain
 */
public record BaseChain(String chain, Hook hook, Type type, int priority, Chain.Policy policy, Optional<String> device) {

  /** The chain types nft knows: {@code nat} chains are run by the NAT core, see {@link #natPriority}. */
  public enum Type {
    FILTER,
    NAT,
    ROUTE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Type> tryParse(String text) {
      for (Type t : values()) {
        if (t.label().equals(text)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  /** Where conntrack looks at the packet ({@code NF_IP_PRI_CONNTRACK}): chains before it see no state. */
  public static final int CONNTRACK_PRIORITY = -200;

  /**
   * The priority of an iptables table's chains at a hook ({@code enum nf_ip_hook_priorities},
   * include/uapi/linux/netfilter_ipv4.h; the IPv6 values are the same): raw -300, mangle -150,
   * nat -100 before routing and 100 after it, filter 0, security 50.
   */
  public static int iptablesPriority(TableName table, Hook hook) {
    return switch (table) {
      case RAW -> -300;
      case MANGLE -> -150;
      case NAT -> natPriority(hook);
      case FILTER -> 0;
      case SECURITY -> 50;
    };
  }

  /**
   * Where the NAT core runs on a hook. Every chain of type nat, iptables' nat table included, is
   * called from that one place, in the order of their own priorities, until one of them sets up a
   * translation (nf_nat_inet_fn, net/netfilter/nf_nat_core.c: it stops at
   * {@code nf_nat_initialized}); the NAT core registers at NF_IP_PRI_NAT_DST (-100) for
   * prerouting and output and NF_IP_PRI_NAT_SRC (100) for input and postrouting (nf_nat_ipv4_ops,
   * net/netfilter/nf_nat_proto.c).
   */
  public static int natPriority(Hook hook) {
    return hook == Hook.PREROUTING || hook == Hook.OUTPUT ? -100 : 100;
  }
}
