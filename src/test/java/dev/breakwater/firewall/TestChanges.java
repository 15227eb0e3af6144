package dev.breakwater.firewall;

import dev.breakwater.net.IpFamily;
import dev.breakwater.policy.CompiledPolicy;
import java.util.List;
import java.util.Optional;

/**
 * The tests' journaled apply and rollback on a transaction's state directory, as 'apply' (no
 * --confirm-within) and 'rollback' run them: each apply a confirmed change, each rollback undoing
 * the last one.
 */
public final class TestChanges {
  private TestChanges() {}

  public static ApplyTransaction.Outcome apply(ApplyTransaction transaction, CompiledPolicy compiled) {
    try (StateLock lock = StateLock.take(transaction.store())) {
      return new ChangeJournal(transaction.store(), ChangeJournal.DEFAULT_KEEP).apply(transaction, compiled, Optional.empty(),
          "# applied by a test\n", Optional.empty(), false, LoginSession.UNKNOWN, (token, wait) -> {
            throw new AssertionError("no timer without --confirm-within");
          }).outcome();
    }
  }

  public static List<IpFamily> rollback(ApplyTransaction transaction) {
    try (StateLock lock = StateLock.take(transaction.store())) {
      return new ChangeJournal(transaction.store(), ChangeJournal.DEFAULT_KEEP)
          .rollback(transaction, Optional.empty(), "by a test").families();
    }
  }

  /** The last change in the journal of {@code store}. */
  public static Optional<Journal.Change> last(StateStore store) {
    return new ChangeJournal(store, ChangeJournal.DEFAULT_KEEP).read().change();
  }
}
