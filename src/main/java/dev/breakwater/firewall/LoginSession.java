package dev.breakwater.firewall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who ran a command, as far as this machine can tell: enough to say whether {@code confirm} runs
 * from the very session that applied the change. Confirming from that session proves nothing: it
 * was open before the new rules, and the ESTABLISHED return keeps it alive, while a NEW SSH
 * connection is what the rules must let in (Junos {@code commit confirmed} and Ansible's
 * {@code community.general.iptables_state} ask for the same).
 *
 * @param sshConnection {@code $SSH_CONNECTION} (client address and port, server address and port); empty when unset
 * @param sshd the nearest ancestor that is sshd ({@code sshd: user@pts/0}, or {@code sshd-session}): its pid and start time,
 *     which survive {@code sudo}'s clean environment and its new pty; empty when none
 * @param tty the controlling terminal's device number ({@code /proc/self/stat} field 7); 0 for none
 * @param sessionId the process's session ({@code /proc/self/stat} field 6); 0 when unknown, as in a container
 *     whose session leader lives in the parent PID namespace (the kernel reports 0 for a pid it cannot name there)
 * @param origin the outermost ancestor below init (its pid and start time): the {@code docker exec} shell, the CI
 *     job's script; what tells one entry into the machine from another when there is no session; empty when unknown
 */
public record LoginSession(String sshConnection, String sshd, long tty, long sessionId, String origin) {
  public static final LoginSession UNKNOWN = new LoginSession("", "", 0, 0, "");

  /** A session recorded before {@code origin} was, or where it is not known. */
  public LoginSession(String sshConnection, String sshd, long tty, long sessionId) {
    this(sshConnection, sshd, tty, sessionId, "");
  }

  /** This process's session. */
  public static LoginSession current() {
    String ssh = Optional.ofNullable(System.getenv("SSH_CONNECTION")).orElse("").strip();
    long[] stat = stat();
    return new LoginSession(ssh, sshdAncestor(), stat[1], stat[0], stat[0] == 0 ? outermostAncestor() : "");
  }

  /**
   * True when both were recorded by the same login session. The SSH connection (client address
   * and port) is the strongest fact, then the sshd process that serves it; only when neither side
   * has either (a local console, a script) do the session and the terminal decide, and then both
   * must match: a pty's number is given to the next connection once freed (Ansible's connections, one
   * after another, each get /dev/pts/1), so a terminal alone would refuse a new connection. A
   * {@code tmux}/{@code screen} pane reattached from a new connection keeps its terminal and
   * session, which looks the same: the override flag is for that. Without a session on either side (a
   * container's PID namespace), the outermost ancestor decides: one {@code docker exec} is one entry.
   */
  public boolean sameAs(LoginSession other) {
    if (!sshConnection.isEmpty() && !other.sshConnection.isEmpty()) {
      return sshConnection.equals(other.sshConnection);
    }
    if (!sshd.isEmpty() && !other.sshd.isEmpty()) {
      return sshd.equals(other.sshd);
    }
    if (sessionId != 0 && other.sessionId != 0) {
      return sessionId == other.sessionId && tty == other.tty;
    }
    return !origin.isEmpty() && origin.equals(other.origin);
  }

  /** What it is, for a message: the SSH connection or the terminal. */
  public String describe() {
    if (!sshConnection.isEmpty()) {
      return "SSH connection " + sshConnection;
    }
    if (!sshd.isEmpty()) {
      return "SSH session " + sshd;
    }
    if (tty != 0) {
      return "terminal " + tty;
    }
    return sessionId != 0 || origin.isEmpty() ? "session " + sessionId : "process tree of " + origin;
  }

  /** {session, tty_nr} from /proc/self/stat; the command name (field 2) may hold spaces and parentheses. */
  private static long[] stat() {
    try {
      String text = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
      // After the name: state(3) ppid(4) pgrp(5) session(6) tty_nr(7).
      return new long[] {Long.parseLong(fields[3]), Long.parseLong(fields[4])};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /** The ancestor whose parent is init or outside this PID namespace (ppid 0): where this process tree entered. */
  private static String outermostAncestor() {
    ProcessHandle p = ProcessHandle.current();
    for (int depth = 0; depth < 64; depth++) {
      Optional<ProcessHandle> parent = p.parent();
      if (parent.isEmpty() || parent.get().pid() == 1) {
        return p.pid() + "@" + p.info().startInstant().map(Object::toString).orElse("?");
      }
      p = parent.get();
    }
    return "";
  }

  private static String sshdAncestor() {
    Optional<ProcessHandle> process = ProcessHandle.current().parent();
    for (int depth = 0; process.isPresent() && depth < 32; depth++) {
      ProcessHandle p = process.get();
      String name = p.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("");
      if (name.equals("sshd") || name.equals("sshd-session")) {
        // The listening daemon (pid 1's child) is every connection's ancestor: only its children are sessions.
        if (p.parent().map(pp -> pp.pid() == 1).orElse(true)) {
          return "";
        }
        return p.pid() + "@" + p.info().startInstant().map(Object::toString).orElse("?");
      }
      process = p.parent();
    }
    return "";
  }
}
