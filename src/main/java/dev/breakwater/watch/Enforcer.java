package dev.breakwater.watch;

import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.policy.CompiledPolicy;

/** Puts a compiled policy in force: {@link ApplyTransaction#apply} on the live firewall. */
@FunctionalInterface
public interface Enforcer {
  /** @throws dev.breakwater.firewall.ApplyException when it failed (and the previous rules are back) */
  ApplyTransaction.Outcome apply(CompiledPolicy compiled);
}
