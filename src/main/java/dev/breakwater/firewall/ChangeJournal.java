package dev.breakwater.firewall;

import dev.breakwater.net.IpFamily;
import dev.breakwater.policy.CommitSequence;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.policy.PolicyException;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.problem.BadInput;
import dev.breakwater.problem.EnvironmentProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Apply, confirm, rollback, the rollback timer and the boot unit as entries in one journal
 * ({@link Journal}), each under the state lock ({@link StateLock}, which the caller holds).
 *
 * <p>An apply is a transaction with a written intent: the backup, the policy copy and the
 * journal's INTENT entry are forced to disk before the kernel is touched; then the kernel is
 * changed, read back and verified ({@link ApplyTransaction}); then the timer is started (with
 * --confirm-within) and the journal completed. A failure after the kernel changed either leaves
 * the timer armed or puts the previous rules back, and its message says which rules are in force.
 *
 * <p>Two applies in a row: an apply while an earlier change is still unconfirmed is refused,
 * unless the caller replaces it ({@code --replace-unconfirmed}); the new change then supersedes
 * it: the earlier timer finds a different token and does nothing, and the new change rolls back
 * to the state before the earlier one (the last confirmed state), not to the unconfirmed state
 * in between.
 */
public final class ChangeJournal {
  /** How many changes' backups and policy copies are kept by default. */
  public static final int DEFAULT_KEEP = 5;

  static final String LOG = "journal.log";
  private static final Pattern NUMBERED = Pattern.compile("(?:backup|policy)-(\\d{6,})[-.].*");

  /** Starts the rollback timer of a change; a seam so that a test can make it fail. */
  @FunctionalInterface
  public interface TimerStart {
    /** @throws ApplyException when it cannot start */
    void start(String token, Duration wait);
  }

  private final StateStore store;
  private final int keep;
  private final String bootId;

  public ChangeJournal(StateStore store, int keep) {
    this(store, keep, currentBootId());
  }

  ChangeJournal(StateStore store, int keep, String bootId) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one change");
    }
    this.store = store;
    this.keep = keep;
    this.bootId = bootId;
  }

  public StateStore store() {
    return store;
  }

  public Journal read() {
    return store.read(Journal.FILE).map(text -> Journal.parse(text, store.file(Journal.FILE).toString())).orElse(Journal.EMPTY);
  }

  /** The change of this boot that still waits for confirm (or never finished); a change of an earlier boot is stale. */
  public Optional<Journal.Change> openChange(Journal journal) {
    return journal.change().filter(Journal.Change::open).filter(c -> c.bootId().equals(bootId));
  }

  /**
   * Refuses an apply while a change of this boot is unconfirmed or unfinished, unless it replaces it.
   *
   * @throws ApplyException naming the change and the three ways on
   */
  public void refuseWhileOpen(Journal journal, boolean replaceUnconfirmed) {
    Optional<Journal.Change> open = openChange(journal);
    if (open.isPresent() && !replaceUnconfirmed) {
      Journal.Change change = open.get();
      throw new ApplyException("apply refused: " + change.name() + " (applied " + change.recorded() + ") is "
          + (change.phase() == Journal.Phase.INTENT ? "unfinished" : "not confirmed yet"
              + change.deadline().map(d -> ", its timer rolls it back at " + d).orElse(""))
          + ": run 'breakwater confirm' to keep it, 'breakwater rollback' to undo it, or apply again with --replace-unconfirmed"
          + " (the new change then rolls back to the state before " + change.name() + "); nothing was changed");
    }
  }

  /** What {@link #apply} did. */
  public record Applied(ApplyTransaction.Outcome outcome, Optional<Journal.Change> change, Optional<Journal.Change> superseded) {}

  /**
   * One journaled apply.
   *
   * @param policyText the policy file as read: its copy is what boot applies once it is confirmed
   * @param confirmWithin empty: confirmed at once; else unconfirmed, with a timer
   * @param replaceUnconfirmed supersede a change of this boot that is still unconfirmed, instead of refusing
   * @throws ApplyException refused (nothing changed), or failed: the message says what is in force
   */
  public Applied apply(ApplyTransaction transaction, CompiledPolicy compiled, Optional<CommitSequence> order, String policyText,
      Optional<Duration> confirmWithin, boolean replaceUnconfirmed, LoginSession session, TimerStart timer) {
    Journal before = read();
    refuseWhileOpen(before, replaceUnconfirmed);
    Optional<Journal.Change> superseded = openChange(before);
    long sequence = before.sequence() + 1;
    String token = UUID.randomUUID().toString();
    Instant now = Instant.now();
    Optional<Instant> deadline = confirmWithin.map(now::plus);
    String policyFile = String.format(Locale.ROOT, "policy-%06d.yml", sequence);
    Journal.Change[] recorded = new Journal.Change[1];
    PriorState[] prior = new PriorState[1];
    Journal[] intentJournal = new Journal[1];
    ApplyTransaction.Intent intent = state -> {
      prior[0] = state;
      Map<String, String> checksums = new HashMap<>(before.checksums());
      List<String> backups;
      if (superseded.isPresent()) {
        backups = superseded.get().backups(); // the state before the unconfirmed change: the last confirmed one
      } else {
        backups = writeBackups(sequence, state, checksums);
      }
      store.write(policyFile, policyText);
      checksums.put(policyFile, StateStore.sha256(policyText));
      Optional<String> priorConfirmed = superseded.isPresent() ? superseded.get().priorConfirmedPolicy() : before.confirmedPolicy();
      Journal.Change change = new Journal.Change(sequence, token, Journal.Phase.INTENT, transaction.backend(), now, deadline,
          session, bootId, backups, policyFile, priorConfirmed, "recorded before the firewall was touched"
          + superseded.map(s -> "; supersedes " + s.name()).orElse(""));
      Journal journal = new Journal(sequence, Optional.of(change), before.confirmedPolicy(), checksums);
      store.write(Journal.FILE, journal.text());
      recorded[0] = change;
      intentJournal[0] = journal;
      log(change.name() + ": intent recorded (" + transaction.backend().label() + ")");
    };
    ApplyTransaction.Outcome outcome;
    try {
      outcome = transaction.apply(compiled, order, intent);
    } catch (ApplyException failure) {
      if (recorded[0] == null) {
        throw failure; // the kernel was not touched
      }
      throw new ApplyException(failure.getMessage() + afterFailedApply(failure, recorded[0], superseded, before));
    }
    if (recorded[0] == null) {
      if (superseded.isEmpty()) {
        return new Applied(outcome, Optional.empty(), Optional.empty()); // nothing to change, nothing to record
      }
      // The firewall already holds this policy, but the user replaces the unconfirmed change: record it all the same.
      ApplyTransaction.recordIntent(intent, null);
    }
    Journal.Change change = recorded[0];
    if (deadline.isPresent()) {
      try {
        timer.start(token, confirmWithin.get());
      } catch (ApplyException e) {
        throw new ApplyException(e.getMessage() + putBackAfterRecordedChange(transaction, prior[0], change, superseded, before,
            "the rollback timer could not start"));
      }
    }
    Journal.Change completed = change.with(deadline.isPresent() ? Journal.Phase.UNCONFIRMED : Journal.Phase.CONFIRMED,
        deadline.isPresent() ? "in force, verified; rolls back at " + deadline.get() + " unless confirmed" : "in force, verified, confirmed");
    Journal done = intentJournal[0].with(completed);
    if (completed.phase() == Journal.Phase.CONFIRMED) {
      done = done.withConfirmedPolicy(Optional.of(policyFile));
    }
    try {
      store.write(Journal.FILE, prune(done).text());
    } catch (ApplyException e) {
      if (deadline.isPresent()) {
        throw new ApplyException("the new policy is in force and verified, and its rollback timer is armed (it rolls the change back at "
            + deadline.get() + "), but the journal could not be completed: " + e.getMessage()
            + "; make the state directory writable and apply again, or let the timer roll it back");
      }
      throw new ApplyException("the new policy was in force and verified, but the journal could not record it: " + e.getMessage()
          + putBackAfterRecordedChange(transaction, prior[0], change, superseded, before, "unrecorded"));
    }
    log(completed.name() + ": " + completed.note());
    superseded.ifPresent(s -> log(s.name() + ": superseded by " + completed.name() + "; its timer does nothing"));
    return new Applied(outcome, Optional.of(completed), superseded);
  }

  /** The journal after an apply that failed once the kernel was touched; what it says, for the message. */
  private String afterFailedApply(ApplyException failure, Journal.Change change, Optional<Journal.Change> superseded, Journal before) {
    boolean putBack = !failure.getMessage().contains("ALSO failed");
    try {
      if (putBack && superseded.isPresent()) {
        // The rules in force are the superseded change's again: so is the journal, and its timer still runs.
        store.write(Journal.FILE, before.text());
        log(change.name() + ": failed, previous rules back; " + superseded.get().name() + " is unconfirmed again");
        return " (" + superseded.get().name() + " is in force and still unconfirmed"
            + superseded.get().deadline().map(d -> ": its timer rolls it back at " + d).orElse("") + ")";
      }
      Journal.Change failed = putBack
          ? change.with(Journal.Phase.ROLLED_BACK, "apply failed; previous rules put back: " + failure.getMessage())
          : change.with(Journal.Phase.FAILED, "apply failed and the put-back failed: " + failure.getMessage());
      store.write(Journal.FILE, read().with(failed).text());
      log(failed.name() + ": " + failed.note());
      return "";
    } catch (ApplyException | EnvironmentProblem e) {
      return "; the journal could not be updated either (" + e.getMessage() + "): it still shows " + change.name() + " as unfinished";
    }
  }

  /**
   * After the kernel took a change that cannot be kept (no timer, no record): puts back the rules
   * from just before it and says what is in force.
   */
  private String putBackAfterRecordedChange(ApplyTransaction transaction, PriorState prior, Journal.Change change,
      Optional<Journal.Change> superseded, Journal before, String why) {
    if (prior == null) {
      // Nothing was changed in the kernel (a replace of an unconfirmed change with the same rules).
      restoreJournal(before, change, superseded, why);
      return "; the firewall was not changed by this apply";
    }
    try {
      transaction.rollback(prior);
    } catch (ApplyException | EnvironmentProblem e) {
      try {
        store.write(Journal.FILE, read().with(change.with(Journal.Phase.FAILED, why + "; putting the previous rules back failed: "
            + e.getMessage() + "; the NEW policy is in force with no timer")).text());
      } catch (ApplyException | EnvironmentProblem ignored) {
        // said below
      }
      return "; putting the previous rules back ALSO failed (" + e.getMessage() + "): the NEW policy is in force, with no rollback"
          + " timer; run 'breakwater rollback' to undo it";
    }
    return restoreJournal(before, change, superseded, why) + "; the change was undone: the previous rules are back in force"
        + superseded.map(s -> " (" + s.name() + ", still unconfirmed)").orElse("");
  }

  private String restoreJournal(Journal before, Journal.Change change, Optional<Journal.Change> superseded, String why) {
    try {
      if (superseded.isPresent()) {
        store.write(Journal.FILE, before.text());
      } else {
        store.write(Journal.FILE, read().with(change.with(Journal.Phase.ROLLED_BACK, why + "; the previous rules were put back")).text());
      }
      log(change.name() + ": " + why + "; undone");
      return "";
    } catch (ApplyException | EnvironmentProblem e) {
      return "; the journal could not be updated (" + e.getMessage() + "): it still shows " + change.name() + " as unfinished";
    }
  }

  private List<String> writeBackups(long sequence, PriorState state, Map<String, String> checksums) {
    Map<String, String> files = new java.util.LinkedHashMap<>();
    if (state.backend() == FirewallBackend.NFT) {
      files.put(String.format(Locale.ROOT, "backup-%06d-nft.nft", sequence), state.nftTable().orElse(""));
    } else {
      state.filterTables().forEach((family, text) -> files.put(
          String.format(Locale.ROOT, "backup-%06d-%s.rules", sequence, family.name().toLowerCase(Locale.ROOT)), text));
    }
    files.forEach((name, text) -> {
      store.write(name, text);
      checksums.put(name, StateStore.sha256(text));
    });
    return List.copyOf(files.keySet());
  }

  /**
   * The state a change rolls back to, read from its backups; each must match the SHA-256 the
   * journal recorded when it was written.
   *
   * @throws EnvironmentProblem when a backup is missing, or planted or changed since
   */
  public PriorState prior(Journal journal, Journal.Change change) {
    Map<IpFamily, String> tables = new HashMap<>();
    Optional<String> nftTable = Optional.empty();
    for (String name : change.backups()) {
      String text = verified(journal, name, change.name() + "'s backup");
      if (change.backend() == FirewallBackend.NFT) {
        nftTable = text.isEmpty() ? Optional.empty() : Optional.of(text);
      } else {
        tables.put(name.endsWith("-v6.rules") ? IpFamily.V6 : IpFamily.V4, text);
      }
    }
    return change.backend() == FirewallBackend.NFT ? PriorState.nft(nftTable) : PriorState.iptables(tables);
  }

  /** A kept file's text, after checking it against the journal's SHA-256. */
  public String verified(Journal journal, String name, String what) {
    Path file = store.file(name);
    String text = store.read(name).orElseThrow(() -> new EnvironmentProblem(what + " " + file
        + " is missing: the journal names it; nothing was changed"));
    String expected = journal.checksums().get(name);
    if (expected == null || !expected.equals(StateStore.sha256(text))) {
      throw new EnvironmentProblem(what + " " + file + (expected == null ? " has no SHA-256 in the journal" : " does not match the SHA-256"
          + " the journal recorded when it was written") + ": it was planted or changed since; refusing to use it. Compare it with what"
          + " you expect (sha256sum " + file + "), then remove it or restore the firewall by hand");
    }
    return text;
  }

  /** What {@link #confirm} found. */
  public record Confirmed(Journal.Change change, String message) {}

  /**
   * Confirms the open change.
   *
   * @param sameSessionAllowed the user says this session proves the new rules let them in (a reattached tmux)
   * @return empty when there was nothing to confirm (a message says so)
   * @throws ApplyException when the change was rolled back, never finished, or this is the session that applied it
   */
  public Confirmed confirm(LoginSession session, boolean sameSessionAllowed) {
    Journal journal = read();
    if (journal.change().isEmpty()) {
      return new Confirmed(null, "Nothing to confirm: no change recorded in " + store.dir() + ".");
    }
    Journal.Change change = journal.change().get();
    switch (change.phase()) {
      case CONFIRMED -> {
        return new Confirmed(null, "Nothing to confirm: " + change.name() + " (applied " + change.recorded() + ") is confirmed already.");
      }
      case ROLLED_BACK -> throw new ApplyException(change.name() + " (applied " + change.recorded() + ") was rolled back: " + change.note()
          + "; it is NOT in force and there is nothing to confirm: apply it again to have it");
      case FAILED -> throw new ApplyException(change.name() + " failed: " + change.note() + "; run 'breakwater rollback'");
      case INTENT -> throw new ApplyException(change.name() + " never finished (the apply stopped before recording its result"
          + (change.bootId().equals(bootId) ? "" : ", before a reboot") + "): it cannot be confirmed; run 'breakwater rollback', or apply again");
      case UNCONFIRMED -> {
        if (!change.bootId().equals(bootId)) {
          throw new ApplyException(change.name() + " was applied before a reboot and never confirmed: the boot unit does not keep it"
              + "; apply it again to have it");
        }
        if (!sameSessionAllowed && change.session().sameAs(session)) {
          throw new ApplyException("confirm refused: this is the session that applied " + change.name() + " ("
              + change.session().describe() + "), which was open before the new rules and proves nothing about them: open a NEW SSH"
              + " connection to this host and run 'sudo breakwater confirm' there (if this one is new, e.g. a reattached tmux, add"
              + " --same-session); the timer still rolls it back" + change.deadline().map(d -> " at " + d).orElse(""));
        }
        Journal.Change confirmed = change.with(Journal.Phase.CONFIRMED, "confirmed at " + Instant.now());
        store.write(Journal.FILE, prune(journal.with(confirmed).withConfirmedPolicy(Optional.of(change.policy()))).text());
        log(confirmed.name() + ": confirmed");
        return new Confirmed(confirmed, "Confirmed " + change.name() + ": the applied policy stays in force, and is what boot applies.");
      }
      default -> throw new IllegalStateException(change.phase().name());
    }
  }

  /** What {@link #rollback} did. */
  public record RolledBack(Optional<Journal.Change> change, List<IpFamily> families, String message) {}

  /**
   * Rolls the last change back to its backup.
   *
   * @param ifUnconfirmed the timer's token: then only that change, and only while it is open
   * @throws ApplyException when there is nothing recorded to roll back to, or the kernel refused
   */
  public RolledBack rollback(ApplyTransaction transaction, Optional<String> ifUnconfirmed, String who) {
    Journal journal = read();
    Optional<Journal.Change> last = journal.change();
    if (ifUnconfirmed.isPresent()) {
      if (last.isEmpty() || !last.get().token().equals(ifUnconfirmed.get()) || !last.get().open()) {
        return new RolledBack(Optional.empty(), List.of(), "change " + ifUnconfirmed.get() + " was confirmed, rolled back or superseded:"
            + " nothing to roll back" + last.map(c -> " (" + c.name() + " is " + c.phase().name().toLowerCase(Locale.ROOT) + ")").orElse(""));
      }
    }
    if (last.isEmpty()) {
      throw new ApplyException("nothing to roll back: no change recorded in " + store.dir() + " (no apply has changed this host)");
    }
    Journal.Change change = last.get();
    if (change.phase() == Journal.Phase.ROLLED_BACK) {
      return new RolledBack(Optional.of(change), List.of(), "Nothing to roll back: " + change.name() + " was rolled back already ("
          + change.note() + ").");
    }
    PriorState prior = prior(journal, change); // a planted backup is refused before anything is written
    // The rollback's own intent, on disk before the kernel is touched: a rollback killed or cut off
    // between the kernel and the journal leaves "unfinished" (roll back again), never a change
    // that claims to be in force while the kernel holds its backup. A rolled-back confirmed change
    // is no longer what boot applies, from the intent on.
    Journal intent = journal.with(change.with(Journal.Phase.INTENT, "rollback " + who + " begun at " + Instant.now() + " (the change was "
        + change.phase().name().toLowerCase(Locale.ROOT) + "); while this stays, the rollback stopped midway: run 'breakwater rollback' again"));
    if (change.phase() == Journal.Phase.CONFIRMED) {
      intent = intent.withConfirmedPolicy(change.priorConfirmedPolicy());
    }
    try {
      store.write(Journal.FILE, intent.text());
    } catch (ApplyException e) {
      throw new ApplyException("cannot record the rollback before touching the firewall: " + e.getMessage() + "; nothing was changed: "
          + change.name() + " is still in force");
    }
    List<IpFamily> families;
    try {
      families = transaction.rollback(prior);
    } catch (ApplyException e) {
      log(change.name() + ": rollback " + who + " failed: " + e.getMessage());
      throw new ApplyException(e.getMessage() + "; the journal shows " + change.name() + " as unfinished: run 'breakwater rollback' again");
    }
    Journal.Change undone = change.with(Journal.Phase.ROLLED_BACK, "rolled back " + who + " at " + Instant.now());
    try {
      store.write(Journal.FILE, intent.with(undone).text());
    } catch (ApplyException e) {
      throw new ApplyException("the rollback is done: the rules from before " + change.name() + " are in force, but the journal could not"
          + " record it: " + e.getMessage() + "; it shows " + change.name() + " as unfinished: run 'breakwater rollback' again once "
          + store.dir() + " is writable");
    }
    log(undone.name() + ": " + undone.note());
    return new RolledBack(Optional.of(undone), families, "");
  }

  /**
   * What the boot unit applies, and why: {@code confirmedText} is the confirmed policy's text as
   * checked against the journal's SHA-256 (what is parsed and applied, never a second read of the
   * file); empty when {@code policy} is the given file, applied as any apply is.
   */
  public record BootChoice(Optional<Path> policy, Optional<String> confirmedText, String message) {}

  /**
   * At boot (and when dockerd restarts): an open change of an earlier boot is marked rolled back,
   * never kept; the policy to apply is the last confirmed one; none when nothing was ever confirmed.
   *
   * @param given the policy file the unit names, applied only when no policy was ever confirmed (first boot)
   */
  public BootChoice atBoot(Path given) {
    Journal journal = read();
    Optional<Journal.Change> change = journal.change();
    if (change.isPresent() && change.get().open()) {
      Journal.Change open = change.get();
      if (open.bootId().equals(bootId)) {
        String message = open.name() + " waits for confirm in this boot (its timer is armed): left as it is";
        log("boot: " + message);
        return new BootChoice(Optional.empty(), Optional.empty(), message);
      }
      Journal.Change undone = open.with(Journal.Phase.ROLLED_BACK, "not confirmed before the reboot; boot applied the last confirmed policy");
      journal = journal.with(undone);
      store.write(Journal.FILE, journal.text());
      log("boot: " + undone.name() + " was not confirmed before the reboot: not applied");
    }
    if (journal.confirmedPolicy().isEmpty()) {
      if (journal.change().isEmpty()) {
        return new BootChoice(Optional.of(given), Optional.empty(), "no change recorded yet: applying " + given);
      }
      String message = "no policy was ever confirmed: nothing applied (" + journal.change().get().name() + " was "
          + journal.change().get().phase().name().toLowerCase(Locale.ROOT) + ")";
      log("boot: " + message);
      return new BootChoice(Optional.empty(), Optional.empty(), message);
    }
    String name = journal.confirmedPolicy().get();
    String text = verified(journal, name, "the confirmed policy");
    String message = "applying the last confirmed policy (" + store.file(name) + ")";
    try {
      if (Files.isRegularFile(given) && !PolicyFile.text(given).equals(text)) {
        message += "; " + given + " differs from it and was never confirmed: run 'breakwater apply --policy " + given + "' to change it";
      }
    } catch (PolicyException | BadInput e) {
      message += "; " + given + " is unreadable (" + e.getMessage() + ")";
    }
    log("boot: " + message);
    return new BootChoice(Optional.of(store.file(name)), Optional.of(text), message);
  }

  /** Appends one line to the journal's log; a log that cannot be written never undoes a change. */
  public void log(String line) {
    try {
      store.append(LOG, Instant.now() + " " + line);
    } catch (IOException | RuntimeException e) {
      // The journal itself holds the facts; the log is for people.
    }
  }

  /** Keeps the files of the last {@code keep} changes, and every file the journal still names. */
  private Journal prune(Journal journal) {
    Set<String> named = new HashSet<>();
    journal.confirmedPolicy().ifPresent(named::add);
    journal.change().ifPresent(c -> {
      named.addAll(c.backups());
      named.add(c.policy());
      c.priorConfirmedPolicy().ifPresent(named::add);
    });
    TreeSet<Long> sequences = new TreeSet<>();
    List<String> files = new ArrayList<>(store.names("backup-"));
    files.addAll(store.names("policy-"));
    for (String file : files) {
      Matcher m = NUMBERED.matcher(file);
      if (m.matches()) {
        sequences.add(Long.parseLong(m.group(1)));
      }
    }
    Set<Long> kept = new HashSet<>(sequences.descendingSet().stream().limit(keep).toList());
    Map<String, String> checksums = new HashMap<>(journal.checksums());
    for (String file : files) {
      Matcher m = NUMBERED.matcher(file);
      if (m.matches() && !kept.contains(Long.parseLong(m.group(1))) && !named.contains(file)) {
        try {
          store.delete(file);
          checksums.remove(file);
        } catch (ApplyException e) {
          // kept one more time; the next apply tries again
        }
      }
    }
    checksums.keySet().retainAll(new HashSet<>(store.names("")));
    return new Journal(journal.sequence(), journal.change(), journal.confirmedPolicy(), checksums);
  }

  private static String currentBootId() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
