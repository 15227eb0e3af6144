package dev.breakwater.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * A short run of the common start-up path, used once by the launcher to record the JDK AOT
 * cache. Touches no system state: it renders help and version text into memory.
 */
final class AotTraining {
  private AotTraining() {}

  static void run(CommandLine cli) {
    StringWriter sink = new StringWriter();
    PrintWriter out = new PrintWriter(sink);
    cli.usage(out);
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.usage(out);
    }
    cli.printVersionHelp(out);
    out.print(dev.breakwater.compose.LintWarmup.run());
    out.flush();
  }
}
