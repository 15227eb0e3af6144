package dev.breakwater.firewall;

import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.problem.EnvironmentProblem;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The journal of changes in the state directory ({@code journal}): the last change and where it
 * stands, the policy that is confirmed (what boot applies), and the SHA-256 of every backup and
 * policy copy kept, checked before any of them is used. One small text file of {@code key=value}
 * lines, replaced atomically under the state lock ({@link StateLock}) by apply, confirm, rollback,
 * the timer and the boot unit alike.
 *
 * @param sequence the number of the last change recorded (0: none yet)
 * @param change the last change, if any
 * @param confirmedPolicy the copy of the policy last confirmed (its file in the state directory)
 * @param checksums file name to SHA-256 (hex) of every backup and policy copy kept
 */
public record Journal(long sequence, Optional<Change> change, Optional<String> confirmedPolicy, Map<String, String> checksums) {
  static final String FILE = "journal";
  public static final Journal EMPTY = new Journal(0, Optional.empty(), Optional.empty(), Map.of());

  public Journal {
    checksums = Map.copyOf(checksums);
  }

  /** Where a change stands. */
  public enum Phase {
    /** Recorded before the kernel was touched; still so when the apply stopped before it finished (a crash, a failed write). */
    INTENT,
    /** In force and verified; the timer rolls it back unless it is confirmed. */
    UNCONFIRMED,
    /** In force and kept: what boot applies. */
    CONFIRMED,
    /** Undone: the state from before it is in force again (the note says who undid it and when). */
    ROLLED_BACK,
    /** The apply failed and putting the previous state back failed too: the note says what is in force. */
    FAILED
  }

  /**
   * One change.
   *
   * @param token what the rollback timer of this change carries: an older timer never matches a newer change
   * @param deadline when the timer rolls it back; empty for a change applied without --confirm-within
   * @param bootId {@code /proc/sys/kernel/random/boot_id} when it was applied: a different one now means the host rebooted
   * @param backups the files holding the state to roll back to (iptables-save per family, or the nft table)
   * @param policy the copy of the policy this change applied
   * @param priorConfirmedPolicy the policy confirmed before this change: confirmed again when it is rolled back
   * @param note the last thing that happened to it, in words
   */
  public record Change(
      long sequence, String token, Phase phase, FirewallBackend backend, Instant recorded, Optional<Instant> deadline,
      LoginSession session, String bootId, List<String> backups, String policy, Optional<String> priorConfirmedPolicy,
      String note) {
    public Change {
      backups = List.copyOf(backups);
      note = note.replace('\n', ' ');
    }

    public Change with(Phase newPhase, String newNote) {
      return new Change(sequence, token, newPhase, backend, recorded, deadline, session, bootId, backups, policy,
          priorConfirmedPolicy, newNote);
    }

    /** Still waiting for confirm, or never finished: what a timer or a reboot undoes. */
    public boolean open() {
      return phase == Phase.INTENT || phase == Phase.UNCONFIRMED;
    }

    public String name() {
      return "change #" + sequence;
    }
  }

  Journal with(Change newChange) {
    return new Journal(sequence, Optional.of(newChange), confirmedPolicy, checksums);
  }

  Journal withConfirmedPolicy(Optional<String> policy) {
    return new Journal(sequence, change, policy, checksums);
  }

  /** The text written to the journal file. */
  String text() {
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put("sequence", Long.toString(sequence));
    confirmedPolicy.ifPresent(p -> lines.put("confirmed-policy", p));
    change.ifPresent(c -> {
      lines.put("change.sequence", Long.toString(c.sequence()));
      lines.put("change.token", c.token());
      lines.put("change.phase", c.phase().name());
      lines.put("change.backend", c.backend().label());
      lines.put("change.recorded", c.recorded().toString());
      c.deadline().ifPresent(d -> lines.put("change.deadline", d.toString()));
      lines.put("change.session.ssh-connection", c.session().sshConnection());
      lines.put("change.session.sshd", c.session().sshd());
      lines.put("change.session.tty", Long.toString(c.session().tty()));
      lines.put("change.session.sid", Long.toString(c.session().sessionId()));
      lines.put("change.session.origin", c.session().origin());
      lines.put("change.boot-id", c.bootId());
      lines.put("change.backups", String.join(",", c.backups()));
      lines.put("change.policy", c.policy());
      c.priorConfirmedPolicy().ifPresent(p -> lines.put("change.prior-confirmed-policy", p));
      lines.put("change.note", c.note());
    });
    new TreeMap<>(checksums).forEach((file, sha) -> lines.put("sha256." + file, sha));
    StringBuilder text = new StringBuilder("# Breakwater's journal of changes (docs/policy.md); edit nothing here\n");
    lines.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    return text.toString();
  }

  /** @throws EnvironmentProblem when {@code text} is not a journal this Breakwater wrote */
  static Journal parse(String text, String where) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> checksums = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw corrupt(where, i + 1, "expected key=value");
      }
      String key = line.substring(0, eq);
      String value = line.substring(eq + 1);
      if (key.startsWith("sha256.")) {
        if (!value.matches("[0-9a-f]{64}")) {
          throw corrupt(where, i + 1, "expected a SHA-256 in hex");
        }
        checksums.put(key.substring("sha256.".length()), value);
      } else {
        values.put(key, value);
      }
    }
    try {
      long sequence = Long.parseLong(values.getOrDefault("sequence", "0"));
      Optional<Change> change = Optional.empty();
      if (values.containsKey("change.sequence")) {
        change = Optional.of(new Change(
            Long.parseLong(values.get("change.sequence")),
            required(values, "change.token"),
            Phase.valueOf(required(values, "change.phase")),
            FirewallBackend.tryParse(required(values, "change.backend")).orElseThrow(() -> new IllegalArgumentException("change.backend")),
            Instant.parse(required(values, "change.recorded")),
            Optional.ofNullable(values.get("change.deadline")).map(Instant::parse),
            new LoginSession(values.getOrDefault("change.session.ssh-connection", ""), values.getOrDefault("change.session.sshd", ""),
                Long.parseLong(values.getOrDefault("change.session.tty", "0")), Long.parseLong(values.getOrDefault("change.session.sid", "0")),
                values.getOrDefault("change.session.origin", "")),
            values.getOrDefault("change.boot-id", ""),
            values.getOrDefault("change.backups", "").isEmpty() ? List.of() : Arrays.asList(values.get("change.backups").split(",")),
            required(values, "change.policy"),
            Optional.ofNullable(values.get("change.prior-confirmed-policy")),
            values.getOrDefault("change.note", "")));
      }
      return new Journal(sequence, change, Optional.ofNullable(values.get("confirmed-policy")), checksums);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new EnvironmentProblem(where + ": not a journal this Breakwater wrote (" + e.getMessage()
          + "); move it aside (mv " + where + " " + where + ".bad) and apply again");
    }
  }

  private static String required(Map<String, String> values, String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("no " + key);
    }
    return value;
  }

  private static EnvironmentProblem corrupt(String where, int line, String expected) {
    return new EnvironmentProblem(where + ":" + line + ": " + expected + "; not a journal this Breakwater wrote: move it aside (mv "
        + where + " " + where + ".bad) and apply again");
  }
}
