package dev.breakwater.watch;

import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.NftElementDelta;
import java.util.Optional;

/**
 * The nft backend as watch drives it: {@link #apply} replaces the whole {@code inet breakwater}
 * table (one {@code nft -f}, verified), {@link #updateElements} changes only set elements, and
 * {@link #liveTable} reads the table back for the drift check.
 */
public interface NftEnforcer extends Enforcer {
  /** {@code nft list table inet breakwater}; empty when there is no such table. */
  Optional<String> liveTable();

  /**
   * @param current the table in force as nft lists it (or as the last change wrote it)
   * @throws dev.breakwater.firewall.ApplyException when nft refused it (nothing changed) or the result is not the plan
   */
  ApplyTransaction.Outcome updateElements(String current, NftElementDelta delta, CompiledPolicy compiled);

  /** The live firewall, through an nft-backend transaction. */
  static NftEnforcer of(ApplyTransaction transaction) {
    return new NftEnforcer() {
      @Override
      public ApplyTransaction.Outcome apply(CompiledPolicy compiled) {
        return transaction.apply(compiled);
      }

      @Override
      public Optional<String> liveTable() {
        return transaction.liveNftTable();
      }

      @Override
      public ApplyTransaction.Outcome updateElements(String current, NftElementDelta delta, CompiledPolicy compiled) {
        return transaction.updateElements(current, delta, compiled);
      }
    };
  }
}
