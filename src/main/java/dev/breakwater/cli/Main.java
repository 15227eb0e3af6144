package dev.breakwater.cli;

import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point. Every verb is its own command class; this class only wires them together.
 *
 * <p>Subcommand classes must stay cheap to load (fields and annotations only): picocli
 * instantiates all of them to build the help, so real work belongs in {@code call()}.
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
    },
    subcommands = {
      AuditCommand.class,
      TraceCommand.class,
      SnapshotCommand.class,
      LintCommand.class,
      FixCommand.class,
      PlanCommand.class,
      ApplyCommand.class,
      ConfirmCommand.class,
      RollbackCommand.class,
      WatchCommand.class,
      ProbeCommand.class,
      LabCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

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
    return newCommandLine().execute(args);
  }

  static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new Main());
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
