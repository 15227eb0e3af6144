package dev.breakwater.cli;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point. Every verb is its own command class; this class only wires them together.
 *
 * <p>Subcommand classes must stay cheap to load (fields and annotations only): picocli
 * instantiates all of them to build the help, so real work belongs in {@code call()}.
 *
 * <p>The verbs are added to the command line in code ({@link #VERBS}), not in the annotation:
 * picocli builds a subcommand's model by reflection over its class (every option, every field's
 * type), which is most of a short run's start-up. A run whose first argument is a verb gets only
 * that verb's model; {@code --version} gets none; anything else (help, a mistyped verb, no
 * argument) gets them all, so its usage text and "Did you mean" suggestions are what they were.
 * {@link Tree} keeps the whole tree in an annotation for picocli's man page and completion tools.
 */
@Command(
    name = "breakwater",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "Finds and closes the hole through which Docker-published ports bypass the host firewall.",
    description = {
      "",
      "Docker publishes ports with DNAT in the nat table and ACCEPT in FORWARD, so UFW's INPUT "
          + "rules never see that traffic: 'ufw status' says deny while the port answers the "
          + "internet. Breakwater tells you who can reach each published port and why, and fixes it.",
      ""
    },
    footer = {
      "",
      "Start with:",
      "  sudo breakwater demo          see the flaw and the fix in a disposable lab",
      "  sudo breakwater audit         who can reach this host's published ports?",
      "  breakwater audit --from DIR   the same, offline, from a snapshot directory",
      "  breakwater lint compose.yaml  catch unsafe 'ports:' before they run",
      "",
      "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad input."
    })
public sealed class Main implements Runnable permits Main.Tree {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--aot-training", hidden = true,
      description = "Exercise the common start-up path once (used to record the JDK AOT cache).")
  boolean aotTraining;

  @Override
  public void run() {
    if (aotTraining) {
      AotTraining.run(spec.commandLine());
      return;
    }
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns the exit code; tests call this instead of {@link #main}. */
  public static int execute(String... args) {
    return newCommandLine(args).execute(args);
  }

  /** The verbs, in the order the usage text lists them (picocli's {@code help} last). */
  static final Map<String, Class<?>> VERBS = verbs(AuditCommand.class, TraceCommand.class, SnapshotCommand.class,
      LintCommand.class, FixCommand.class, PlanCommand.class, ApplyCommand.class, ConfirmCommand.class,
      RollbackCommand.class, WatchCommand.class, ProbeCommand.class, LabCommand.class, DemoCommand.class,
      CommandLine.HelpCommand.class);

  /** Main with every verb in its annotation: what picocli's ManPageGenerator and AutoComplete read. */
  @Command(subcommands = {
      AuditCommand.class, TraceCommand.class, SnapshotCommand.class, LintCommand.class, FixCommand.class,
      PlanCommand.class, ApplyCommand.class, ConfirmCommand.class, RollbackCommand.class, WatchCommand.class,
      ProbeCommand.class, LabCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
  public static final class Tree extends Main {}

  private static Map<String, Class<?>> verbs(Class<?>... classes) {
    Map<String, Class<?>> verbs = new LinkedHashMap<>();
    for (Class<?> verb : classes) {
      verbs.put(verb.getAnnotation(Command.class).name(), verb);
    }
    return Collections.unmodifiableMap(verbs);
  }

  /** The whole command tree: every verb. */
  static CommandLine newCommandLine() {
    return newCommandLine(VERBS.keySet());
  }

  /** The command tree these arguments need (see the class comment); it parses them as the whole tree does. */
  static CommandLine newCommandLine(String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return newCommandLine(List.of());
    }
    if (args.length > 0 && VERBS.containsKey(args[0]) && !args[0].equals("help")) {
      return newCommandLine(List.of(args[0]));
    }
    return newCommandLine();
  }

  private static CommandLine newCommandLine(Collection<String> verbs) {
    CommandLine cli = new CommandLine(new Main());
    for (String verb : verbs) {
      cli.addSubcommand(verb, VERBS.get(verb));
    }
    // Set after the verbs are added: picocli applies a setting only to the subcommands present.
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(new UserErrorHandler());
    // Bad arguments are bad input: exit 2, like every other input error.
    cli.setExitCodeExceptionMapper(e -> ExitCodes.BAD_INPUT);
    cli.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.BAD_INPUT);
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.BAD_INPUT);
    }
    return cli;
  }

  /** The command that starts this same Breakwater build: the running JVM, its class path, Main. */
  public static List<String> selfCommand() {
    String jvm = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return List.of(jvm, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName());
  }
}
