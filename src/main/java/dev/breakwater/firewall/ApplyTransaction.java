package dev.breakwater.firewall;

import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.policy.ChainState;

import dev.breakwater.plan.PlanDiff;
import dev.breakwater.policy.CommitSequence;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.HoldChain;
import dev.breakwater.policy.RestoreText;
import dev.breakwater.policy.SourceIpset;

import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.PendingRead;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Apply and rollback, as transactions: back up the filter table, one {@code iptables-restore
 * --noflush} per commit, then {@code iptables-save} must show exactly the planned chain; any
 * failure puts back what was there before and says so.
 *
 * <p>No exposure window. Inside one commit, {@link RestoreText} flushes the chain, refills it and
 * moves the jump in one {@code *filter ... COMMIT} block, which the kernel swaps in at once
 * (iptables-nft: one nf_tables batch; legacy: one table blob), so no packet ever meets a half
 * chain. IPv4 and IPv6 are two commits, so the host passes through a mixed state; the order of
 * the commits ({@link CommitSequence}) keeps that state within one of the two ends: the order the
 * engine proved ({@code plan.CommitWindow}) when the caller has it, otherwise the first family
 * through a {@link HoldChain}, which needs no knowledge of the rules to be safe. Put-backs after a
 * failure undo the families in the reverse order, through the same states backwards.
 */
public final class ApplyTransaction {
  private final IptablesBackend firewall;
  private final NftBackend nft;
  private final StateStore store;
  private final FirewallBackend backend;

  /** The iptables backend: the BREAKWATER chain jumped to from DOCKER-USER. */
  public ApplyTransaction(NetfilterTools firewall, StateStore store) {
    this(firewall, store, FirewallBackend.IPTABLES);
  }

  /** Applies with {@code backend}; rollback always uses the kind the last apply recorded in {@code store}. */
  public ApplyTransaction(NetfilterTools firewall, StateStore store, FirewallBackend backend) {
    this(new IptablesBackend(firewall), new NftBackend(firewall), store, backend);
  }

  /** The seam for tests: a fake kernel behind the two kinds. */
  ApplyTransaction(IptablesBackend firewall, NftBackend nft, StateStore store, FirewallBackend backend) {
    this.firewall = firewall;
    this.nft = nft;
    this.store = store;
    this.backend = backend;
  }

  public FirewallBackend backend() {
    return backend;
  }

  StateStore store() {
    return store;
  }

  /**
   * What an apply did, per family: the diff it applied (empty diffs when nothing changed).
   *
   * @param nftChanges for the nft backend, the table's lines added ({@code +}) and removed
   *     ({@code -}): rules, and a set whose elements changed as {@code set NAME {...}}
   */
  public record Outcome(Map<IpFamily, PlanDiff> diffs, List<PlanDiff.Line> nftChanges) {
    public Outcome {
      diffs = Map.copyOf(diffs);
      nftChanges = List.copyOf(nftChanges);
    }

    public Outcome(Map<IpFamily, PlanDiff> diffs) {
      this(diffs, List.of());
    }

    public boolean changed() {
      return diffs.values().stream().anyMatch(d -> !d.isEmpty()) || nftChanges.stream().anyMatch(l -> l.op() != ' ');
    }

    /** The nft table's lines added. */
    public long nftAdded() {
      return nftChanges.stream().filter(l -> l.op() == '+').count();
    }

    /** The nft table's lines removed. */
    public long nftRemoved() {
      return nftChanges.stream().filter(l -> l.op() == '-').count();
    }
  }

  /** Applies with the order that needs no proof: {@link CommitSequence#holding} when both families change. */
  public Outcome apply(CompiledPolicy compiled) {
    return apply(compiled, Optional.empty());
  }

  /**
   * @param proven the commit order the engine proved for this change ({@code plan.CommitWindow});
   *     used only when it changes exactly the families that differ now (the firewall may have
   *     moved since the plan), else the holding order
   */
  public Outcome apply(CompiledPolicy compiled, Optional<CommitSequence> proven) {
    return apply(compiled, proven, NO_RECORD);
  }

  /**
   * What must be on disk before the kernel is touched: the state a rollback puts back. A journaled
   * apply ({@link ChangeJournal}) writes it there; watch's corrections keep the state of the last
   * apply and record nothing.
   */
  @FunctionalInterface
  public interface Intent {
    /** @throws ApplyException when it cannot be recorded: then the kernel is not touched */
    void record(PriorState prior);
  }

  static final Intent NO_RECORD = prior -> {};

  static void recordIntent(Intent intent, PriorState prior) {
    try {
      intent.record(prior);
    } catch (ApplyException e) {
      throw new ApplyException("cannot record the change before touching the firewall: " + e.getMessage() + ". Nothing was changed.");
    }
  }

  /** As {@link #apply(CompiledPolicy, Optional)}, recording {@code intent} once it is known that the kernel will change. */
  public Outcome apply(CompiledPolicy compiled, Optional<CommitSequence> proven, Intent intent) {
    if (backend == FirewallBackend.NFT) {
      return new NftTransaction(nft, store).apply(compiled, intent);
    }
    Map<IpFamily, String> savedBefore = new EnumMap<>(IpFamily.class);
    Map<IpFamily, ChainState> before = new EnumMap<>(IpFamily.class);
    Map<IpFamily, PlanDiff> diffs = new EnumMap<>(IpFamily.class);
    List<IpFamily> toChange = new ArrayList<>();
    Map<IpFamily, String> saved = saveFilters(compiled.families());
    for (IpFamily family : compiled.families()) {
      String text = saved.get(family);
      ChainState state = ChainState.of(IptablesSaveParser.parse(text, family, saveName(family)));
      if (!state.dockerUserExists()) {
        throw new ApplyException(saveName(family) + " shows no DOCKER-USER chain: is Docker running with iptables enabled? Nothing was changed.");
      }
      savedBefore.put(family, text);
      before.put(family, state);
      diffs.put(family, PlanDiff.between(family, state, compiled.rules(family)));
      if (!state.matches(compiled.rules(family))) {
        toChange.add(family);
      }
    }
    if (toChange.isEmpty()) {
      return new Outcome(diffs);
    }
    // The backup is the whole filter table as it was, so that rollback is exact for every family
    // this policy covers. It is recorded (on disk, forced) before the kernel is touched.
    recordIntent(intent, PriorState.iptables(savedBefore));
    createSets(compiled.sets());
    CommitSequence sequence = proven.filter(p -> new HashSet<>(p.families()).equals(new HashSet<>(toChange)))
        .orElse(CommitSequence.holding(toChange));
    List<IpFamily> touched = new ArrayList<>();
    Map<IpFamily, ChainState> live = new EnumMap<>(before);
    try {
      for (CommitSequence.Step step : sequence.steps()) {
        IpFamily family = step.family();
        if (!touched.contains(family)) {
          touched.add(family);
        }
        List<String> target = step.hold()
            ? HoldChain.rules(before.get(family).rules(), compiled.rules(family))
            : compiled.rules(family);
        firewall.restore(family, RestoreText.apply(live.get(family), target));
        ChainState after = liveState(family);
        live.put(family, after);
        if (!after.matches(target)) {
          throw new ApplyException(saveName(family) + " does not show the " + (step.hold() ? "hold" : "planned") + " " + CompiledPolicy.CHAIN
              + " chain after the restore (it shows " + after.rules().size() + " rules, jumps at " + after.jumpPositions() + ")");
        }
      }
    } catch (ApplyException failure) {
      List<String> problems = new ArrayList<>();
      // Backwards through the states the sequence went through: each was proved (or is safe by the hold).
      for (IpFamily family : touched.reversed()) {
        try {
          restoreTo(family, before.get(family));
        } catch (ApplyException e) {
          problems.add(e.getMessage());
        }
      }
      if (setsMayBeLeft(compiled, savedBefore)) {
        removeUnusedSets();
      }
      throw new ApplyException(failure.getMessage() + (problems.isEmpty()
          ? "; the previous rules are back in force"
          : "; putting the previous rules back ALSO failed: " + String.join("; ", problems) + " (backup in " + store.dir() + ")"));
    }
    if (setsMayBeLeft(compiled, savedBefore)) {
      removeUnusedSets();
    }
    return new Outcome(diffs);
  }

  /**
   * Whether a set of ours may be left unused after this apply, so that the sweep ({@code ipset
   * list} and a save per family) is worth its process starts. Sets are created only for a chain
   * that matches them and kept only for the backups, so when neither the new chain, the chain
   * before, nor any backup kept in the state directory names a set, no set of an earlier apply
   * or of this one can be waiting for the sweep. (A set an apply created just before it was killed
   * is named nowhere; the next apply with sets, or a rollback, which always sweeps, removes it.)
   * On watch's latency path this saves the sweep for every policy without large source lists.
   */
  private boolean setsMayBeLeft(CompiledPolicy compiled, Map<IpFamily, String> savedBefore) {
    if (!compiled.sets().isEmpty() || savedBefore.values().stream().anyMatch(ApplyTransaction::namesASet)) {
      return true;
    }
    try {
      for (String backup : store.names("backup-")) {
        if (store.read(backup).map(ApplyTransaction::namesASet).orElse(false)) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException unreadable) {
      return true; // a backup that cannot be read may name one: sweep, as before
    }
  }

  private static boolean namesASet(String rules) {
    return rules.contains("--match-set ");
  }

  /**
   * The nft backend's small change: {@code delta} (element lines only, one {@code nft -f}) takes
   * the table in force, {@code current} as nft lists it, to {@code compiled}'s; verified by listing
   * the table again, put back on a mismatch.
   *
   * @throws ApplyException when nft refused the elements (nothing changed) or the result differs
   */
  public Outcome updateElements(String current, dev.breakwater.policy.NftElementDelta delta, CompiledPolicy compiled) {
    if (backend != FirewallBackend.NFT) {
      throw new IllegalStateException("element updates are the nft backend's");
    }
    return new NftTransaction(nft, store).updateElements(current, delta, compiled);
  }

  /** The nft backend's table as nft lists it now; empty when there is none. */
  public java.util.Optional<String> liveNftTable() {
    return nft.listTable();
  }

  /**
   * Puts back the BREAKWATER chain and jumps (or the nft table) of {@code prior}. Returns the
   * families that changed; an empty list when the firewall already was in that state.
   */
  public List<IpFamily> rollback(PriorState prior) {
    if (prior.backend() == FirewallBackend.NFT) {
      return new NftTransaction(nft, store).rollback(prior.nftTable());
    }
    Map<IpFamily, ChainState> targets = new EnumMap<>(IpFamily.class);
    prior.filterTables().forEach((family, backup) ->
        targets.put(family, ChainState.of(IptablesSaveParser.parse(backup, family, store.dir() + "/backup"))));
    if (targets.isEmpty()) {
      throw new ApplyException("nothing to roll back: the backup in " + store.dir() + " holds no filter table");
    }
    Map<IpFamily, ChainState> current = new EnumMap<>(IpFamily.class);
    List<IpFamily> changing = new ArrayList<>();
    for (IpFamily family : targets.keySet()) {
      current.put(family, liveState(family));
      if (!sameOwnedState(current.get(family), targets.get(family))) {
        changing.add(family);
      }
    }
    // A rollback has no engine at hand (the timer runs it alone): the holding order is safe blind.
    List<IpFamily> changed = new ArrayList<>();
    for (CommitSequence.Step step : CommitSequence.holding(changing).steps()) {
      IpFamily family = step.family();
      if (step.hold()) {
        ChainState now = current.get(family);
        List<String> hold = HoldChain.rules(now.rules(), targets.get(family).rules());
        firewall.restore(family, RestoreText.apply(now, hold));
        if (!liveState(family).matches(hold)) {
          throw new ApplyException(saveName(family) + " does not show the hold " + CompiledPolicy.CHAIN
              + " chain during the rollback; run rollback again");
        }
      } else {
        try {
          restoreTo(family, targets.get(family));
        } catch (ApplyException e) {
          throw new ApplyException(e.getMessage() + (changed.isEmpty() && changing.size() > 1
              ? "; " + changing.get(0).label() + " holds the hold chain (established connections and every deny of both"
                  + " policies, no allow) until rollback runs again"
              : ""));
        }
        if (!changed.contains(family)) {
          changed.add(family);
        }
      }
    }
    removeUnusedSets();
    return changed.stream().sorted().toList();
  }

  /**
   * {@code iptables-save -t filter} of each family, the two families at once: the backup is read
   * before every apply, and on watch's latency path two saves one after the other cost two process
   * starts where one will do. Nothing changes the kernel meanwhile (this is a read).
   */
  private Map<IpFamily, String> saveFilters(List<IpFamily> families) {
    Map<IpFamily, PendingRead<String>> pending = new EnumMap<>(IpFamily.class);
    families.forEach(family -> pending.put(family, PendingRead.start(saveName(family), () -> firewall.saveFilter(family))));
    Map<IpFamily, String> saved = new EnumMap<>(IpFamily.class);
    pending.forEach((family, read) -> saved.put(family, read.get())); // a failure is rethrown as the save threw it
    return saved;
  }

  /** Creates the sets the new chain matches; a set that exists already has this content (its name says so). */
  private void createSets(List<SourceIpset> sets) {
    if (sets.isEmpty()) {
      return;
    }
    List<String> existing;
    try {
      existing = firewall.setNames();
    } catch (ApplyException e) {
      throw new ApplyException("the policy needs ipsets for its large source lists, but " + e.getMessage()
          + " (install the ipset package, or raise ipset-threshold in the policy). Nothing was changed.");
    }
    StringBuilder text = new StringBuilder();
    for (SourceIpset set : sets) {
      if (!existing.contains(set.name())) {
        text.append(set.restoreText());
      }
    }
    if (!text.isEmpty()) {
      try {
        firewall.ipsetRestore(text.toString());
      } catch (ApplyException e) {
        removeUnusedSets();
        throw new ApplyException(e.getMessage() + ". Nothing was changed.");
      }
    }
  }

  /**
   * Destroys Breakwater's sets that neither the live chains nor the backup use (sets of older
   * applies, temporary sets of a failed one). The kernel refuses to destroy a set a rule still
   * references, which is the last guard.
   */
  private void removeUnusedSets() {
    List<String> names;
    try {
      names = firewall.setNames();
    } catch (ApplyException e) {
      return; // no ipset tool: there are no sets of ours to remove
    }
    if (names.stream().noneMatch(SourceIpset::isOurs)) {
      return; // the common case, and on watch's latency path: no save per family needed
    }
    StringBuilder used = new StringBuilder();
    for (IpFamily family : IpFamily.values()) {
      try {
        used.append(firewall.saveFilter(family));
      } catch (ApplyException e) {
        // a family without its tools has no rules that could use a set
      }
    }
    // Sets the backup of the journal's last change uses stay, so that rolling back finds them.
    for (String backup : rollbackBackups()) {
      store.read(backup).ifPresent(used::append);
    }
    for (String name : names) {
      if (SourceIpset.isOurs(name) && !used.toString().contains("--match-set " + name + " ")) {
        firewall.destroySet(name);
      }
    }
  }

  /**
   * The backups a rollback would read: the journal's last change's; every kept backup when the
   * journal cannot be read (keeping a set too many is harmless, destroying one a rollback needs is not).
   */
  private List<String> rollbackBackups() {
    try {
      return store.read(Journal.FILE).map(text -> Journal.parse(text, Journal.FILE)).flatMap(Journal::change)
          .map(Journal.Change::backups).orElse(List.of());
    } catch (dev.breakwater.problem.EnvironmentProblem e) {
      return store.names("backup-");
    }
  }

  /** Makes the live chain and jumps equal {@code target}; false when they already were. */
  private boolean restoreTo(IpFamily family, ChainState target) {
    ChainState current = liveState(family);
    if (sameOwnedState(current, target)) {
      return false;
    }
    firewall.restore(family, RestoreText.restore(current, target));
    ChainState after = liveState(family);
    if (!sameOwnedState(after, target)) {
      throw new ApplyException(saveName(family) + " does not show the previous " + CompiledPolicy.CHAIN + " chain after restoring it");
    }
    return true;
  }

  private static boolean sameOwnedState(ChainState a, ChainState b) {
    return a.chainExists() == b.chainExists() && a.rules().equals(b.rules()) && a.jumpPositions().equals(b.jumpPositions());
  }

  private ChainState liveState(IpFamily family) {
    return ChainState.of(IptablesSaveParser.parse(firewall.saveFilter(family), family, saveName(family)));
  }

  private static String saveName(IpFamily family) {
    return NetfilterTools.Tool.save(family).command();
  }
}
