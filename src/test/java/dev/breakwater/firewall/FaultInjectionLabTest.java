package dev.breakwater.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.net.IpFamily;
import dev.breakwater.policy.CompiledPolicy;
import dev.breakwater.policy.PolicyCompiler;
import dev.breakwater.policy.PolicyFile;
import dev.breakwater.policy.PolicyTrafficLabTest;
import dev.breakwater.policy.Required;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.RootCheck;
import dev.breakwater.system.TestNamespace;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100 apply/rollback cycles between two policies on a real lab host (namespaces, real
 * iptables-restore; Docker's publishing rules for {@code -p 3306:80} over IPv4 and IPv6 loaded with
 * iptables-restore, no dockerd), with faults injected: the second family's restore failing (a
 * PATH wrapper for ip6tables-restore), the state directory read-only (a read-only bind mount in a
 * private mount namespace), a full disk (a tmpfs as the state directory, filled before the apply,
 * or right after the intent is on disk), and the CLI killed (-9) at a random moment, then the
 * documented recovery ('breakwater rollback').
 *
 * <p>Throughout, a prober per attacker address connects in a loop. Checked: (1) the address that
 * neither policy allows never completes a handshake, at any moment, faults and kills included;
 * (2) in every steady window (the kernel read back at both ends equals what the journal says is
 * in force, and nothing changes it in between), every attempt that lies wholly inside the window
 * connects when that policy allows its address, and is refused when it does not. Attempts during
 * a change are not judged for (2): the hold chain refuses allowed sources there by design
 * (docs/policy.md, "What it does not promise"). (3) After every step and fault, the exit code and
 * message say exactly what the kernel holds, and so does the journal (INTENT, "unfinished", only
 * after a kill or when the journal itself could not be written; then rollback must recover).
 */
@Tag("lab")
class FaultInjectionLabTest {
  static final int CYCLES = Integer.getInteger("breakwater.faultCycles", 100);
  static final String FIRST = "interfaces: [eth0]\naction: reject\nallow:\n  - port: 3306\n    from: [198.51.100.3, 2001:db8:1::3]\n";
  static final String SECOND = "interfaces: [eth0]\naction: reject\nallow:\n  - port: 3306\n"
      + "    from: [198.51.100.3, 198.51.100.4, 2001:db8:1::3, 2001:db8:1::4]\n";
  /** Attacker addresses: never allowed, always allowed, allowed by SECOND only. */
  static final List<String> SOURCES = List.of("198.51.100.2", "198.51.100.3", "198.51.100.4", "2001:db8:1::2", "2001:db8:1::3", "2001:db8:1::4");
  static final String HOST_RULES_V6 = PolicyTrafficLabTest.HOST_RULES
      .replace("198.18.0.2:80", "[2001:db8:2::2]:80").replace("198.18.0.2/32", "2001:db8:2::2/128")
      .replaceAll("-A POSTROUTING .*MASQUERADE\\n", "");
  static final long STEADY_MS = 250;

  enum Fault { RESTORE_FAILS, READ_ONLY, DISK_FULL, DISK_FULL_AFTER_INTENT, KILLED, UFW_RELOAD }

  enum Held { FIRST, SECOND, UNKNOWN }

  record Window(double from, double to, Held held) {}

  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();
  private final Random random = new Random(13);
  private final Map<String, Integer> faults = new TreeMap<>();
  private final List<Window> windows = new ArrayList<>();
  private Path state;
  private Path snapshot;
  private Path wrappers;
  private TestNamespace host;
  private Map<Held, CompiledPolicy> compiled;
  private Map<Held, Path> policyFiles;
  private long cliRuns;
  private long cliMillis;
  /** The mount namespace UFW runs in (copies of its files bind-mounted), as UfwReloadLabTest runs it. */
  private String ufwMounts;

  @Test
  void noDeniedPortAnswersAndNoAllowedOneIsRefusedThroughAHundredCyclesWithFaults() throws Exception {
    RootCheck.assumeRoot("needs root to create network and mount namespaces");
    Required.that(CommandRunner.find("busybox").isPresent(), "needs busybox");
    Required.that(CommandRunner.find("curl").isPresent(), "needs curl");
    Required.that(CommandRunner.find("unshare").isPresent(), "needs unshare (util-linux)");
    long began = System.nanoTime();
    try (TestNamespace h = new TestNamespace(); TestNamespace container = new TestNamespace(); TestNamespace attacker = new TestNamespace()) {
      host = h;
      try {
        wire(attacker, container);
        prepareState();
        startUfw();
        HostFacts facts = SnapshotDirectory.read(snapshot);
        compiled = new EnumMap<>(Held.class);
        policyFiles = new EnumMap<>(Held.class);
        for (Held p : List.of(Held.FIRST, Held.SECOND)) {
          String text = p == Held.FIRST ? FIRST : SECOND;
          compiled.put(p, PolicyCompiler.compile(facts, PolicyFile.parse(text, p + ".yml")));
          policyFiles.put(p, Files.writeString(tmp.resolve(p.name().toLowerCase() + ".yml"), text));
        }
        ApplyTransaction transaction = new ApplyTransaction(NetfilterTools.in(host.namespace()), new StateStore(state));
        apply(transaction, Held.FIRST); // change #1: never rolled back (its backup is the open host)
        assertThat(held()).isEqualTo(Held.FIRST);

        List<Path> probes = new ArrayList<>();
        for (String source : SOURCES) {
          probes.add(probe(attacker, source));
        }
        Thread.sleep(1000);
        steady(Held.FIRST);

        List<Fault> schedule = schedule();
        for (int step = 0; step < 2 * CYCLES; step++) {
          Held now = inForce();
          Held target = now == Held.FIRST ? Held.SECOND : Held.FIRST;
          // Back to FIRST: a rollback of the change that made SECOND, else (every third cycle) an apply of FIRST.
          boolean rollback = now == Held.SECOND && TestChanges.last(transaction.store()).orElseThrow().phase() == Journal.Phase.CONFIRMED
              && (step / 2) % 3 != 2;
          Fault fault = schedule.get(step);
          if (fault == Fault.UFW_RELOAD) { // between two steps: UFW rebuilds its own chains and leaves ours
            faults.merge("UFW_RELOAD", 1, Integer::sum);
            UfwReloadLabTest.ufw(ufwMounts, host, "reload");
            assertThat(inForce()).as("step %d: after ufw reload", step).isEqualTo(now);
            steady(now);
            fault = null;
          }
          if (fault == null) {
            if (rollback) {
              TestChanges.rollback(transaction);
            } else {
              apply(transaction, target);
            }
            assertThat(inForce()).as("step %d: the journal says the target is in force", step).isEqualTo(target);
          } else {
            faults.merge(fault + (rollback ? " (rollback)" : " (apply)"), 1, Integer::sum);
            inject(fault, rollback, now, target, step);
          }
          steady(inForce());
        }
        started.forEach(p -> p.descendants().forEach(ProcessHandle::destroy));
        started.forEach(Process::destroy);
        Thread.sleep(300);

        judge(probes);
        System.out.printf("fault injection: %d cycles, faults %s, %d CLI runs (%.0f ms each on average), %d steady windows, %.1f s%n",
            CYCLES, faults, cliRuns, cliRuns == 0 ? 0.0 : (double) cliMillis / cliRuns, windows.size(), (System.nanoTime() - began) / 1e9);
      } finally {
        for (Process p : started) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** 'apply' without --confirm-within, in this process: the journal keeps the policy's text, as the CLI's apply does. */
  private void apply(ApplyTransaction transaction, Held policy) {
    try (StateLock lock = StateLock.take(transaction.store())) {
      new ChangeJournal(transaction.store(), ChangeJournal.DEFAULT_KEEP).apply(transaction, compiled.get(policy), Optional.empty(),
          policy == Held.FIRST ? FIRST : SECOND, Optional.empty(), false, LoginSession.UNKNOWN, (token, wait) -> {
            throw new AssertionError("no timer without --confirm-within");
          });
    }
  }

  /** Which steps get which fault: spread over the run, about one step in six. */
  private List<Fault> schedule() {
    List<Fault> all = new ArrayList<>();
    for (Fault f : Fault.values()) {
      int n = switch (f) {
        case KILLED -> 12;
        case UFW_RELOAD -> 4;
        case DISK_FULL, DISK_FULL_AFTER_INTENT -> 6;
        default -> 5;
      };
      for (int i = 0; i < Math.max(1, n * CYCLES / 100); i++) {
        all.add(f);
      }
    }
    List<Fault> steps = new ArrayList<>(java.util.Collections.nCopies(2 * CYCLES, (Fault) null));
    List<Integer> slots = new ArrayList<>();
    for (int i = 2; i < 2 * CYCLES; i++) {
      slots.add(i);
    }
    java.util.Collections.shuffle(slots, random);
    for (int i = 0; i < all.size(); i++) {
      steps.set(slots.get(i), all.get(i));
    }
    return steps;
  }

  private void inject(Fault fault, boolean rollback, Held before, Held target, int step) throws Exception {
    List<String> verb = rollback ? List.of("rollback") : List.of("apply", "--policy", policyFiles.get(target).toString(), "--from", snapshot.toString());
    switch (fault) {
      case RESTORE_FAILS -> {
        CommandRunner.Result r = cli(verb, List.of(), Map.of("PATH", wrappers + ":" + System.getenv("PATH")));
        assertThat(r.exitCode()).as("step %d: a failed restore fails the command: %s", step, r.stderr()).isNotZero();
        says(r, before, target, step);
      }
      case READ_ONLY -> {
        CommandRunner.Result r = cli(verb, List.of("mount --bind \"$S\" \"$S\" && mount -o remount,bind,ro \"$S\" || exit 97"), Map.of());
        assertThat(r.exitCode()).as("step %d: a read-only state directory refuses the change: %s", step, r.stderr()).isNotIn(0, 97);
        assertThat(r.stderr()).as("step %d", step).contains("Read-only file system");
        says(r, before, target, step);
      }
      case DISK_FULL, DISK_FULL_AFTER_INTENT -> {
        int freePages = fault == Fault.DISK_FULL ? random.nextInt(4) : 0;
        String fill = "dd if=/dev/zero of=\"$T\"/fill bs=4096 2>/dev/null; truncate -s -" + freePages * 4096 + " \"$T\"/fill";
        CommandRunner.Result r = fullDisk(verb, fill, fault == Fault.DISK_FULL_AFTER_INTENT);
        says(r, before, target, step);
      }
      case KILLED -> {
        long delay = (long) (random.nextDouble() * (cliRuns == 0 ? 2500 : 1.2 * cliMillis / cliRuns));
        boolean killed = killedAfter(verb, delay);
        Optional<Journal.Change> last = TestChanges.last(new StateStore(state));
        Held journal = journalSays();
        Held kernel = held();
        if (journal == Held.UNKNOWN || (killed && journal != kernel)) {
          assertThat(journal).as("step %d: killed after %d ms: the journal (%s) says what is in force (%s), or that the change is unfinished",
              step, delay, last.map(Journal.Change::phase).orElse(null), kernel).isEqualTo(Held.UNKNOWN);
          faults.merge("recovered by rollback", 1, Integer::sum);
          CommandRunner.Result r = cli(List.of("rollback"), List.of(), Map.of());
          assertThat(r.exitCode()).as("step %d: recovery: %s%s", step, r.stdout(), r.stderr()).isZero();
        }
        assertThat(inForce()).as("step %d: after the kill the journal says what is in force", step).isIn(Held.FIRST, Held.SECOND);
      }
      default -> throw new IllegalStateException();
    }
    if (journalSays() == Held.UNKNOWN) { // the journal could not be written: the documented way on
      faults.merge("recovered by rollback", 1, Integer::sum);
      CommandRunner.Result r = cli(List.of("rollback"), List.of(), Map.of());
      assertThat(r.exitCode()).as("step %d: recovery: %s%s", step, r.stdout(), r.stderr()).isZero();
    }
    assertThat(inForce()).as("step %d after %s", step, fault).isIn(Held.FIRST, Held.SECOND);
  }

  /** What the command said is in force must be what the kernel and the journal hold. */
  private void says(CommandRunner.Result r, Held before, Held target, int step) {
    String said = r.stdout() + r.stderr();
    Held kernel = held();
    Held claimed;
    if (r.exitCode() == 0) {
      claimed = target;
    } else if (r.exitCode() == 2) {
      claimed = before; // an environment problem: refused before the kernel was touched (the lock, the state directory)
    } else if (said.contains("Nothing was changed") || said.contains("nothing was changed") || said.contains("previous rules are back in force")) {
      claimed = before;
    } else if (said.contains("NEW policy is in force") || said.contains("new policy is in force") || said.contains("the rollback is done")) {
      claimed = target;
    } else {
      claimed = Held.UNKNOWN;
    }
    assertThat(claimed).as("step %d: exit %d, %s: it says what is in force (the kernel holds %s)", step, r.exitCode(), said.strip(), kernel)
        .isEqualTo(kernel);
    Held journal = journalSays();
    if (journal != Held.UNKNOWN || !said.contains("journal could not")) {
      assertThat(journal).as("step %d: exit %d, %s: the journal says what is in force", step, r.exitCode(), said.strip()).isEqualTo(kernel);
    }
  }

  /** The journal's answer, checked against the kernel; UNKNOWN is not accepted here. */
  private Held inForce() {
    Held journal = journalSays();
    assertThat(journal).as("the journal says what is in force: %s", TestChanges.last(new StateStore(state))).isNotEqualTo(Held.UNKNOWN);
    assertThat(held()).as("the kernel holds what the journal says").isEqualTo(journal);
    return journal;
  }

  /** What the journal says is in force: the last change's policy, or its backup once rolled back; UNKNOWN while unfinished. */
  private Held journalSays() {
    StateStore store = new StateStore(state);
    ChangeJournal journal = new ChangeJournal(store, ChangeJournal.DEFAULT_KEEP);
    Journal read = journal.read();
    Journal.Change change = read.change().orElseThrow();
    return switch (change.phase()) {
      case CONFIRMED, UNCONFIRMED -> {
        String text = journal.verified(read, change.policy(), "policy");
        yield text.equals(FIRST) ? Held.FIRST : text.equals(SECOND) ? Held.SECOND : Held.UNKNOWN;
      }
      case ROLLED_BACK -> {
        PriorState prior = journal.prior(read, change);
        yield heldBy(prior.filterTables().get(IpFamily.V4), prior.filterTables().get(IpFamily.V6));
      }
      default -> Held.UNKNOWN;
    };
  }

  /** What the kernel holds: FIRST or SECOND (chain, jumped to once, first), else UNKNOWN. */
  private Held held() {
    return heldBy(host.save("iptables-save"), host.save("ip6tables-save"));
  }

  private Held heldBy(String v4, String v6) {
    for (Held p : List.of(Held.FIRST, Held.SECOND)) {
      if (chain(v4).equals(compiled.get(p).rules(IpFamily.V4)) && chain(v6).equals(compiled.get(p).rules(IpFamily.V6))
          && jumpFirst(v4) && jumpFirst(v6)) {
        return p;
      }
    }
    return Held.UNKNOWN;
  }

  private static List<String> chain(String save) {
    return save.lines().filter(l -> l.startsWith("-A BREAKWATER ")).toList();
  }

  private static boolean jumpFirst(String save) {
    List<String> user = save.lines().filter(l -> l.startsWith("-A DOCKER-USER ")).toList();
    return !user.isEmpty() && user.getFirst().equals("-A DOCKER-USER -j BREAKWATER")
        && user.stream().filter(l -> l.equals("-A DOCKER-USER -j BREAKWATER")).count() == 1;
  }

  /** A steady window: the kernel holds {@code policy} when it opens and when it closes, and nothing changes it in between. */
  private void steady(Held policy) throws InterruptedException {
    assertThat(held()).isEqualTo(policy);
    double from = now();
    Thread.sleep(STEADY_MS);
    double to = now();
    assertThat(held()).isEqualTo(policy);
    windows.add(new Window(from, to, policy));
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  private void judge(List<Path> probes) throws Exception {
    StringBuilder counts = new StringBuilder();
    for (int i = 0; i < SOURCES.size(); i++) {
      String source = SOURCES.get(i);
      boolean never = source.endsWith("::2") || source.endsWith(".2");
      boolean always = source.endsWith("::3") || source.endsWith(".3");
      int attempts = 0;
      int open = 0;
      int judged = 0;
      List<String> wrong = new ArrayList<>();
      for (String line : Files.readAllLines(probes.get(i))) {
        String[] f = line.split(" ");
        if (f.length < 2) {
          continue;
        }
        attempts++;
        double start = Double.parseDouble(f[0]);
        boolean connected = f.length > 2 && !f[2].isEmpty() && Double.parseDouble(f[2]) > 0;
        // Judged by the handshake: from the start to the connect (curl then waits for the echo
        // until --max-time), or to the refusal. An attempt that timed out spans more than any
        // window and is not judged.
        double end = connected ? start + Double.parseDouble(f[2]) : Double.parseDouble(f[1]);
        if (connected) {
          open++;
        }
        if (never && connected) {
          wrong.add("handshake at " + line);
        }
        for (Window w : windows) {
          if (start >= w.from() && end <= w.to()) {
            judged++;
            boolean allowed = always || (!never && w.held() == Held.SECOND);
            if (allowed != connected) {
              wrong.add((allowed ? "refused" : "answered") + " under " + w.held() + " at " + line);
            }
          }
        }
      }
      counts.append(String.format("%s: %d attempts, %d connected, %d in steady windows; ", source, attempts, open, judged));
      assertThat(wrong).as("%s (%d attempts)", source, attempts).isEmpty();
      // On a loaded machine an attempt can outlast a window (then it is not judged); most must not.
      assertThat(judged).as("%s: the prober ran in the steady windows", source).isGreaterThan(windows.size() / 4);
    }
    System.out.println("probes: " + counts);
  }

  /**
   * Connect attempts in a loop, one line each: start, end (epoch seconds), curl's time_connect (0
   * unless the handshake completed; telnet:// sends nothing).
   */
  private Path probe(TestNamespace attacker, String source) throws Exception {
    Path out = tmp.resolve("probe-" + source.replace(':', '_') + ".log");
    String target = source.contains(":") ? "[2001:db8:1::1]" : "198.51.100.1";
    Process p = new ProcessBuilder(attacker.command("bash", "-c", "while :; do s=$EPOCHREALTIME; t=$(curl -s -o /dev/null -w '%{time_connect}'"
        + " --interface " + source + " --max-time 1 telnet://" + target + ":3306 </dev/null); echo \"$s $EPOCHREALTIME $t\"; done"))
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    started.add(p);
    return out;
  }

  /** The CLI as a separate process, as a user runs it: in a private mount namespace after {@code setup} (sh, with $S the state directory). */
  private CommandRunner.Result cli(List<String> verb, List<String> setup, Map<String, String> env) throws Exception {
    Process p = start(verb, setup, env, state);
    long t0 = System.nanoTime();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    assertThat(done).as("the CLI finished").isTrue();
    cliRuns++;
    cliMillis += (System.nanoTime() - t0) / 1_000_000;
    return new CommandRunner.Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private Process start(List<String> verb, List<String> setup, Map<String, String> env, Path stateDir) throws Exception {
    List<String> argv = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
        String.join(" && ", setup) + (setup.isEmpty() ? "" : " && ") + "exec \"$@\"", "sh"));
    argv.addAll(java());
    argv.addAll(verb);
    argv.addAll(List.of("--netns", host.name, "--state-dir", stateDir.toString()));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    pb.environment().put("S", state.toString());
    pb.environment().put("T", tmp.resolve("small").toString());
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /**
   * The state directory on a tmpfs that is full: from the start, or from the moment the intent is
   * on disk (the kernel is being changed). The tmpfs lives in a private mount namespace; once the
   * command ends, what it left there is copied back (the disk was freed), so the journal the next
   * steps read is the one the command wrote.
   */
  private CommandRunner.Result fullDisk(List<String> verb, String fill, boolean afterIntent) throws Exception {
    Path small = tmp.resolve("small");
    Files.createDirectories(small);
    String cmd = String.join(" ", quoted(java())) + " " + String.join(" ", quoted(verb))
        + " --netns " + host.name + " --state-dir \"$T\"";
    String script = "mount -t tmpfs -o size=512k,mode=0700 bwt-full \"$T\" || exit 97; cp -a \"$S\"/. \"$T\"/ || exit 97; "
        + (afterIntent
            // The command's end is marked in a file outside the tmpfs: 'kill -0' succeeds on a zombie, which
            // the shell reaps only at 'wait', so a command that ended before its intent (nothing to change,
            // a refusal) left this loop spinning until the test timed out.
            ? "rm -f \"$D\"/rc; (" + cmd + "; echo $? > \"$D\"/rc) & until grep -q 'phase=INTENT' \"$T\"/journal 2>/dev/null"
                + " || [ -e \"$D\"/rc ]; do :; done; " + fill + "; wait; rc=$(cat \"$D\"/rc)"
            : fill + "; " + cmd + "; rc=$?")
        + "; rm -f \"$T\"/fill; find \"$S\" -mindepth 1 -delete && cp -a \"$T\"/. \"$S\"/ || exit 98; exit $rc";
    ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", script)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("S", state.toString());
    pb.environment().put("T", small.toString());
    pb.environment().put("D", tmp.toString());
    Process p = pb.start();
    started.add(p);
    long t0 = System.nanoTime();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the CLI on a full disk finished; still running: %s", running(p)).isTrue();
    cliRuns++;
    cliMillis += (System.nanoTime() - t0) / 1_000_000;
    CommandRunner.Result r = new CommandRunner.Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    assertThat(r.exitCode()).as("the tmpfs was set up and copied back: %s", r.stderr()).isNotIn(97, 98);
    return r;
  }

  /** What is still running under this process, for a failure message. */
  private static String running(Process p) {
    return p.descendants().map(d -> d.pid() + " " + d.info().commandLine().orElse("?")).toList().toString();
  }

  private List<String> quoted(List<String> words) {
    return words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").toList();
  }

  /** The CLI's own command line, with C1 only: a short run is over before C2 pays off (as ./breakwater runs it). */
  private static List<String> java() {
    List<String> self = new ArrayList<>(dev.breakwater.cli.Main.selfCommand());
    self.add(1, "-XX:TieredStopAtLevel=1");
    return self;
  }

  /** Runs the CLI and kills it (-9) after {@code delayMs}; waits for what it started to end. Whether it was still running. */
  private boolean killedAfter(List<String> verb, long delayMs) throws Exception {
    Process p = start(verb, List.of(), Map.of(), state);
    long t0 = System.nanoTime();
    boolean finished = p.waitFor(delayMs, TimeUnit.MILLISECONDS);
    if (!finished) {
      // The JVM is the exec'd unshare child: kill the whole tree at once, as a power cut would not; kill -9 of the JVM alone.
      List<ProcessHandle> children = p.descendants().toList();
      p.destroyForcibly();
      for (ProcessHandle c : children) {
        c.onExit().get(30, TimeUnit.SECONDS); // an iptables-restore already started finishes (the kernel takes it whole or not)
      }
      p.waitFor(10, TimeUnit.SECONDS);
      faults.merge("killed mid-run", 1, Integer::sum);
    } else {
      cliRuns++;
      cliMillis += (System.nanoTime() - t0) / 1_000_000;
    }
    return !finished;
  }

  /** UFW enabled in the host namespace, on copies of its files in a private mount namespace; the machine's UFW is never touched. */
  private void startUfw() throws Exception {
    Required.that(Files.isExecutable(Path.of("/usr/sbin/ufw")), "needs ufw");
    // Created after the network namespace, so that its /run/netns entry is visible inside.
    Process holder = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sleep", "infinity").start();
    started.add(holder);
    ufwMounts = "/proc/" + holder.pid() + "/ns/mnt";
    for (int i = 0; i < 100 && Files.readSymbolicLink(Path.of(ufwMounts)).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"))); i++) {
      Thread.sleep(20);
    }
    assertThat(Files.readSymbolicLink(Path.of(ufwMounts))).isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")));
    for (String[] bind : new String[][] {{"/etc/ufw", "etc-ufw"}, {"/lib/ufw", "lib-ufw"}, {"/etc/default/ufw", "default-ufw"}}) {
      TestNamespace.host(List.of("cp", "-a", "--", bind[0], tmp.resolve(bind[1]).toString()), "");
      TestNamespace.host(List.of("nsenter", "--mount=" + ufwMounts, "mount", "--bind", tmp.resolve(bind[1]).toString(), bind[0]), "");
    }
    UfwReloadLabTest.ufw(ufwMounts, host, "--force", "reset");
    UfwReloadLabTest.ufw(ufwMounts, host, "--force", "enable");
    assertThat(host.save("iptables-save")).as("UFW runs in the namespace").contains(":ufw-user-input");
  }

  private void wire(TestNamespace attacker, TestNamespace container) throws Exception {
    PolicyTrafficLabTest.wire(host, container, attacker);
    String outside = link(attacker, "bwxo");
    String bridge = link(container, "bwxb");
    attacker.ip("addr", "add", "198.51.100.4/24", "dev", outside);
    host.ip("-6", "addr", "add", "2001:db8:1::1/64", "dev", "eth0", "nodad");
    host.ip("-6", "addr", "add", "2001:db8:2::1/64", "dev", "docker0", "nodad");
    for (String a : List.of("2001:db8:1::2/64", "2001:db8:1::3/64", "2001:db8:1::4/64")) {
      attacker.ip("-6", "addr", "add", a, "dev", outside, "nodad");
    }
    container.ip("-6", "addr", "add", "2001:db8:2::2/64", "dev", bridge, "nodad");
    container.ip("-6", "route", "add", "default", "via", "2001:db8:2::1");
    host.run("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
    host.load("iptables-restore", PolicyTrafficLabTest.HOST_RULES);
    host.load("ip6tables-restore", HOST_RULES_V6);
    // The server closes at once: a connected attempt ends there, instead of at curl's --max-time, so the
    // allowed probers try often enough to land inside the steady windows on a loaded machine too.
    started.add(container.start(CommandRunner.find("busybox").orElseThrow().toString(), "nc", "-ll", "-p", "80", "-e", "/bin/true"));
  }

  private static String link(TestNamespace ns, String prefix) {
    return ns.run("ip", "-o", "link", "show").lines().filter(l -> l.contains(prefix))
        .map(l -> l.split(":")[1].strip().replaceFirst("@.*", "")).findFirst().orElseThrow();
  }

  /** The state directory, the snapshot the CLI takes the containers and interfaces from, the failing ip6tables-restore. */
  private void prepareState() throws Exception {
    state = Files.createDirectory(tmp.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    snapshot = Files.createDirectory(tmp.resolve("snapshot"));
    Files.writeString(snapshot.resolve("iptables-save.txt"), host.save("iptables-save"));
    Files.writeString(snapshot.resolve("ip6tables-save.txt"), host.save("ip6tables-save"));
    Files.writeString(snapshot.resolve("ip-addr.json"), host.run("ip", "-j", "addr", "show"));
    Files.writeString(snapshot.resolve("ip-route.json"), host.run("ip", "-j", "route", "show"));
    Files.writeString(snapshot.resolve("ip6-route.json"), host.run("ip", "-j", "-6", "route", "show"));
    Files.writeString(snapshot.resolve("hostname"), "fault-lab\n");
    Files.writeString(snapshot.resolve("docker-inspect.json"), """
        [{"Id": "170b4ef0f7157e0bcb67391bac37bd6f9accf8c14eea77fe30de029db2ddb2c0", "Name": "/db",
          "Config": {"Image": "busybox", "Labels": {}, "ExposedPorts": {"80/tcp": {}}},
          "HostConfig": {"NetworkMode": "default", "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "3306"}]}},
          "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "3306"}, {"HostIp": "::", "HostPort": "3306"}]},
            "Gateway": "198.18.0.1", "IPAddress": "198.18.0.2", "IPPrefixLen": 24, "IPv6Gateway": "2001:db8:2::1",
            "GlobalIPv6Address": "2001:db8:2::2", "GlobalIPv6PrefixLen": 64,
            "Networks": {"bridge": {"Gateway": "198.18.0.1", "IPAddress": "198.18.0.2", "IPPrefixLen": 24,
              "IPv6Gateway": "2001:db8:2::1", "GlobalIPv6Address": "2001:db8:2::2", "GlobalIPv6PrefixLen": 64}}}}]
        """);
    wrappers = Files.createDirectory(tmp.resolve("wrappers"));
    Path failing = wrappers.resolve("ip6tables-restore");
    Files.writeString(failing, "#!/bin/sh\ncat >/dev/null\necho 'ip6tables-restore: line 2 failed (injected by FaultInjectionLabTest)' >&2\nexit 1\n");
    Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
