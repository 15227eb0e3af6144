package dev.breakwater.watch;

import dev.breakwater.firewall.ApplyTransaction;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The change journal's say over a correction ({@link JournalGate}): a correction re-establishes
 * watch's policy, it is not a change, so it runs only when no change is waiting for confirm or
 * unfinished, under the state directory's lock, and follows a policy confirmed while watch runs.
 */
public interface ChangeGate {
  /** What the journal says. */
  sealed interface Decision {
    /** The correction ran (under the lock); {@code after} names the journal's last change, for the log. */
    record Applied(ApplyTransaction.Outcome outcome, Optional<String> after) implements Decision {}

    /**
     * Not now: a change waits for confirm ({@code deadline}: when its timer rolls it back) or never
     * finished ({@code change}: its number); nothing was touched, the next check asks again.
     */
    record Deferred(long change, Optional<Instant> deadline, String reason) implements Decision {}

    /**
     * A change confirmed since watch last looked holds another policy ({@code text}; {@code file}
     * names it): watch keeps that one from now on, as boot does, instead of undoing it; nothing was touched.
     * {@code confirmed} false: no policy is confirmed any more, watch keeps its own {@code --policy} again.
     */
    record Follow(long change, String file, String text, boolean confirmed) implements Decision {}
  }

  /**
   * A look at the journal without the lock (it is replaced atomically, so it reads whole), before
   * a correction's proof, which a deferral spares, and to tell when a deferral ended. Changes nothing.
   *
   * @return the deferral while a change waits for confirm; empty: the lock decides
   */
  Optional<Decision.Deferred> look();

  /**
   * Runs {@code correction} under the lock when the journal lets it, and records in the journal's
   * log a correction that changed the firewall.
   *
   * @param cause what the check answers ({@code interval}, {@code container-start}, ...)
   */
  Decision correct(String cause, Supplier<ApplyTransaction.Outcome> correction);

  /** No journal (the tests of the loop's other decisions): every correction runs. */
  ChangeGate NONE = new ChangeGate() {
    @Override
    public Optional<Decision.Deferred> look() {
      return Optional.empty();
    }

    @Override
    public Decision correct(String cause, Supplier<ApplyTransaction.Outcome> correction) {
      return new Decision.Applied(correction.get(), Optional.empty());
    }
  };
}
