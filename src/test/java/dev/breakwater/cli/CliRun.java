package dev.breakwater.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** The tests' one in-process CLI run: what a user would see, and the exit code. */
public record CliRun(int exit, String out, String err) {

  public static CliRun of(String... args) {
    return on(Main.newCommandLine(args), args);
  }

  /** These arguments on this command tree (such as the whole tree, {@code Main.newCommandLine()}). */
  static CliRun on(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  public static CliRun of(List<String> args) {
    return of(args.toArray(String[]::new));
  }
}
