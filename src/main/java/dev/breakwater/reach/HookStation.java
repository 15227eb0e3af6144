package dev.breakwater.reach;

import dev.breakwater.netfilter.BaseChain;
import dev.breakwater.netfilter.NftTable;
import dev.breakwater.netfilter.TableName;

/**
 * One base chain a hook runs, in the kernel's order: an iptables table's built-in chain (at the
 * table's fixed priority) or an nft base chain. Every station of a hook sees the packet unless an
 * earlier one dropped it; an accept ends only its own station.
 */
sealed interface HookStation {

  /** Where the kernel calls it: nat chains all run at the NAT core's priority ({@link BaseChain#natPriority}). */
  int priority();

  /** The order among stations of equal {@link #priority()}: nat chains by their own priority. */
  int subPriority();

  boolean nat();

  /** An iptables table: its built-in chain named as the hook. */
  record Iptables(TableName table, int priority, int subPriority) implements HookStation {
    @Override
    public boolean nat() {
      return table == TableName.NAT;
    }
  }

  /** An nft base chain of {@code table}; the walk indexes its rules through RulesetIndex.nftChain. */
  record Nft(NftTable table, BaseChain base, int priority, int subPriority) implements HookStation {
    @Override
    public boolean nat() {
      return base.type() == BaseChain.Type.NAT;
    }
  }
}
