package dev.breakwater.watch;

import dev.breakwater.firewall.ApplyTransaction;
import dev.breakwater.firewall.ChangeJournal;
import dev.breakwater.firewall.Journal;
import dev.breakwater.firewall.StateLock;
import dev.breakwater.plan.PlanDiff;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * watch's corrections against the state directory's journal ({@link ChangeJournal}), as the boot
 * unit's re-apply of the confirmed policy is: each runs under the state lock ({@link StateLock})
 * from reading the journal to the verified kernel, so it never interleaves with apply, confirm,
 * rollback or the rollback timer; it records no change (rollback still returns to the state
 * before the journal's last change) but leaves one {@code watch: ...} line in {@code journal.log}.
 *
 * <p>While the journal's change of this boot waits for confirm or never finished, a correction
 * would undo what the user is trying (and re-apply what the timer rolls back): it is deferred.
 * When a change is confirmed while watch runs and its policy is not the one watch keeps, watch
 * follows it (the copy in the state directory, checked against the journal's SHA-256), the policy
 * boot applies too, instead of undoing the user's confirmed change. When no policy is confirmed
 * any more (the only confirmed change was rolled back), watch keeps its own {@code --policy} again.
 */
public final class JournalGate implements ChangeGate {
  static final String UNFINISHED = "unfinished";
  private final ChangeJournal journal;
  private final String ownText;
  private final String ownName;
  // The journal's confirmed policy (its file) when watch last looked, and the text watch keeps.
  private Optional<String> followed;
  private String keeping;
  private String keepingName;

  /**
   * @param ownText the {@code --policy} file as read at start: what watch keeps until a change is confirmed
   * @param ownName its path, for the log
   */
  public JournalGate(ChangeJournal journal, String ownText, String ownName) {
    this.journal = journal;
    this.ownText = ownText;
    this.ownName = ownName;
    // A policy confirmed before watch started does not replace --policy: starting watch is the
    // user's word (WatchCommand says so when they differ); one confirmed later is.
    this.followed = journal.read().confirmedPolicy();
    this.keeping = ownText;
    this.keepingName = ownName;
  }

  /** The confirmed policy's file when it differs from {@code --policy} at start (for a note). */
  public Optional<String> confirmedOtherThanOwn() {
    Journal now = journal.read();
    return now.confirmedPolicy().filter(name -> !journal.verified(now, name, "the confirmed policy").equals(ownText))
        .map(name -> journal.store().file(name).toString());
  }

  @Override
  public Optional<Decision.Deferred> look() {
    // Unlocked, an unfinished change may be an apply or a rollback under way (the timer's, seen
    // midway): only the locked step, which waits for it to end, tells one left unfinished.
    return deferral(journal.read()).filter(d -> !d.reason().equals(UNFINISHED));
  }

  @Override
  public Decision correct(String cause, Supplier<ApplyTransaction.Outcome> correction) {
    try (StateLock lock = StateLock.take(journal.store())) {
      Journal now = journal.read();
      Optional<Decision.Deferred> deferral = deferral(now);
      if (deferral.isPresent()) {
        return deferral.get();
      }
      Optional<Decision.Follow> follow = follow(now);
      if (follow.isPresent()) {
        return follow.get();
      }
      ApplyTransaction.Outcome outcome;
      try {
        outcome = correction.get();
      } catch (RuntimeException e) {
        journal.log("watch: correction failed (cause=" + cause + "): " + e.getMessage());
        throw e;
      }
      Optional<String> last = now.change().map(c -> c.name() + " (" + phase(c) + ")");
      if (outcome.changed()) {
        journal.log("watch: corrected drift (cause=" + cause + "): " + summary(outcome) + "; " + keepingName
            + " in force, verified; records no change: rollback returns to the state before "
            + last.orElse("the first change (none recorded yet)"));
      }
      return new Decision.Applied(outcome, last);
    }
  }

  /**
   * While the journal's change of this boot is open. (An open change of an earlier boot is stale:
   * its timer died with the boot, and the boot unit marks it rolled back.)
   */
  private Optional<Decision.Deferred> deferral(Journal now) {
    return journal.openChange(now).map(change -> new Decision.Deferred(change.sequence(), change.deadline(),
        change.phase() == Journal.Phase.INTENT ? UNFINISHED : "waits-for-confirm"));
  }

  /** The policy to keep from now on, when the journal's confirmed one changed since watch last looked and is another. */
  private Optional<Decision.Follow> follow(Journal now) {
    if (now.confirmedPolicy().equals(followed)) {
      return Optional.empty();
    }
    String text = now.confirmedPolicy().isPresent()
        ? journal.verified(now, now.confirmedPolicy().get(), "the confirmed policy")
        : ownText;
    String name = now.confirmedPolicy().map(p -> journal.store().file(p).toString()).orElse(ownName);
    followed = now.confirmedPolicy();
    if (text.equals(keeping)) {
      return Optional.empty();
    }
    keeping = text;
    keepingName = name;
    long change = now.change().map(Journal.Change::sequence).orElse(0L); // 0: the journal was moved aside
    journal.log("watch: keeps " + name + (now.confirmedPolicy().isPresent()
        ? " from now on, the policy confirmed by change #" + change + " (what boot applies), not undoing it"
        : " again: no policy is confirmed any more" + (change > 0 ? " (change #" + change + " was rolled back)" : "")));
    return Optional.of(new Decision.Follow(change, name, text, now.confirmedPolicy().isPresent()));
  }

  private static String phase(Journal.Change change) {
    return change.phase().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String summary(ApplyTransaction.Outcome outcome) {
    List<String> parts = new ArrayList<>();
    for (PlanDiff diff : outcome.diffs().values().stream().sorted(Comparator.comparing(PlanDiff::family)).toList()) {
      if (!diff.isEmpty()) {
        parts.add(DriftCheck.family(diff.family()) + " +" + diff.added() + " -" + diff.removed());
      }
    }
    if (outcome.nftAdded() + outcome.nftRemoved() > 0) {
      parts.add("inet breakwater +" + outcome.nftAdded() + " -" + outcome.nftRemoved());
    }
    return String.join(", ", parts);
  }
}
