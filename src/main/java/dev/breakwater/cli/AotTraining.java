package dev.breakwater.cli;

import dev.breakwater.gather.Facts;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * A short run of the common start-up path, used once by the launcher to record the JDK AOT
 * cache. It renders help and version text, lints an in-memory project, and audits and traces a
 * small embedded snapshot (the corpus's docker-28-ipv6: both families, UFW, a Compose network)
 * through the real commands, so the cache holds the snapshot readers, the iptables-save parser,
 * the reachability engine and the renderers too; and plans a policy of {@value #PLAN_ALLOWS}
 * allows against it with both backends (the policy reader, the compiler, the proof and the
 * engine's source splitting, which is what an apply of a long allow-list spends its time on).
 * Output goes to memory; the snapshot and the policy are written to a temporary directory that is
 * deleted afterwards. Touches no system state: plan with {@code --from} reads only the snapshot.
 */
final class AotTraining {
  private AotTraining() {}

  private static final String SNAPSHOT = "aot-training/";
  private static final int TRAINING_ROUNDS = Integer.getInteger("breakwater.aot.rounds", 40);
  /** The training policy's size: long enough that its splitting dominates, short enough to plan in milliseconds. */
  static final int PLAN_ALLOWS = 100;
  /** Plans are slower than audits: fewer rounds record their profiles. */
  private static final int PLAN_ROUNDS = Math.max(1, TRAINING_ROUNDS / 8);
  private static final List<String> SNAPSHOT_FILES = List.of("daemon.json", "docker-inspect.json", "hostname",
      "ip-addr.json", "ip-route.json", "ip6-route.json", "ip6tables-save.txt", "iptables-save.txt", "ufw-status.txt");

  static void run(CommandLine cli) {
    StringWriter sink = new StringWriter();
    PrintWriter out = new PrintWriter(sink);
    cli.usage(out);
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.usage(out);
    }
    cli.printVersionHelp(out);
    out.print(dev.breakwater.cli.LintWarmup.run());
    out.flush();
    auditSnapshot(out);
  }

  /** audit (text, json) and trace (text, json) of the embedded snapshot, as a user runs them. */
  private static void auditSnapshot(PrintWriter out) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("breakwater-aot-");
      for (String file : SNAPSHOT_FILES) {
        try (InputStream in = AotTraining.class.getResourceAsStream(SNAPSHOT + file)) {
          if (in == null) {
            return; // a jar built without the resources: train on what there is
          }
          Files.copy(in, dir.resolve(file));
        }
      }
      String from = dir.toString();
      List<String[]> runs = List.of(
          new String[] {"audit", "--from", from},
          new String[] {"audit", "--from", from, "--format", "json"},
          new String[] {"trace", "--from", from, "--src", "198.51.100.7", "--port", "8080"},
          new String[] {"trace", "--from", from, "--src", "2001:db8:10::7", "--port", "8080", "--format", "json"});
      // Repeated so the recorded method profiles are warm: with them the JIT compiles the parser
      // and the engine early in a real run, which is what a large snapshot's audit waits for.
      for (int round = 0; round < TRAINING_ROUNDS; round++) {
        for (String[] args : runs) {
          CommandLine command = Main.newCommandLine();
          command.setOut(out);
          command.setErr(out);
          command.execute(args);
        }
      }
      Path policy = dir.resolve("policy.yml");
      Files.writeString(policy, trainingPolicy());
      for (int round = 0; round < PLAN_ROUNDS; round++) {
        for (dev.breakwater.policy.FirewallBackend backend : dev.breakwater.policy.FirewallBackend.values()) {
          CommandLine command = Main.newCommandLine();
          command.setOut(out);
          command.setErr(out);
          command.execute("plan", "--from", from, "--policy", policy.toString(), "--backend", backend.label());
        }
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (dir != null) {
        Facts.deleteTree(dir); // a temporary directory: the system cleans it up if this cannot
      }
    }
  }

  /** Allows from non-adjacent documentation addresses (no two merge), as a long real allow-list looks. */
  static String trainingPolicy() {
    StringBuilder text = new StringBuilder("ipset-threshold: 1000000\nallow:\n");
    for (int i = 0; i < PLAN_ALLOWS; i++) {
      text.append("  - port: 8080\n    from: 198.18.").append(i / 100).append('.').append(i % 100 * 2 + 1).append('\n');
    }
    return text.toString();
  }
}
