package dev.breakwater.cli;

import dev.breakwater.system.AtomicFile;
import dev.breakwater.compose.BadInputException;
import dev.breakwater.lint.LintFinding;
import dev.breakwater.lint.LintConfig;
import dev.breakwater.lint.LintUnit;
import dev.breakwater.lint.Linter;
import dev.breakwater.fix.PortFixer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "fix",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Rewrite unsafe port publishing in place (prints a diff unless --write).",
      "",
      "Binds every publication that has no host address to 127.0.0.1 (or --bind ADDRESS), in "
          + "compose files (short and long syntax) and docker run lines. Only the characters of "
          + "each port entry change: comments, quoting, key order and indentation stay. A file that "
          + "does not parse is never changed; suppressed findings and explicit addresses such as "
          + "0.0.0.0:80:80 are left alone, and so are a reverse proxy's 80/443 unless --all. A port "
          + "that an nginx or Caddy config in the tree proxies to is bound to the address the proxy "
          + "uses. Running it twice changes nothing the second time.",
    },
    footer = {
      "",
      "Examples:",
      "  breakwater fix compose.yaml                 show the diff",
      "  breakwater fix --write .                    apply it to every file below here",
      "  breakwater fix --bind 172.17.0.1 deploy.sh  bind to docker0, reachable from other containers",
      "",
      "Exit codes: 0 done (or nothing to do), 2 bad input (nothing is written).",
    })
public final class FixCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "0..*",
      description = "Compose files, scripts, Makefiles or directories (default: .).")
  List<Path> paths = new ArrayList<>();

  @Option(names = {"-f", "--file"}, paramLabel = "FILE",
      description = "Compose files merged into one project, in order (like docker compose -f).")
  List<Path> composeFiles = new ArrayList<>();

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address to bind to (default: ${DEFAULT-VALUE}; e.g. 172.17.0.1 for docker0, ::1).")
  String bind;

  @Option(names = "--write", description = "Write the changes instead of printing a diff.")
  boolean write;

  @Option(names = "--all", description = "Bind also the ports fix leaves alone by default: a reverse "
      + "proxy's 80/443/8443 (BW010). Same as 'fix: all' in the lint config.")
  boolean all;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Suppressions file (default: " + LintConfig.DEFAULT_NAME + " in the working directory, if any).")
  Path config;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LintConfig lintConfig = LintCommand.loadConfig(config);
    PortFixer fixer;
    try {
      fixer = new PortFixer(bind, all || lintConfig.fixAll());
    } catch (BadInputException e) {
      throw new UserError(e.getMessage());
    }
    Linter linter = new Linter(lintConfig, LintCommand.upstreams(paths, composeFiles));
    List<String> errors = new ArrayList<>();
    int edits = 0;
    int changedFiles = 0;
    long proxied = 0;
    for (LintUnit unit : LintCommand.units(paths, composeFiles)) {
      try {
        List<LintFinding> findings = linter.lint(unit).findings();
        for (PortFixer.FileFix fix : fixer.fix(findings)) {
          fix.skipped().forEach(s -> err.println("breakwater: " + s));
          if (fix.edits().isEmpty()) {
            continue;
          }
          // Never write what we could not read back (a script's unreadable -p is a finding, not an error).
          long unreadableAfter = Linter.lintText(fix.file().path(), fix.newText(), LintConfig.empty()).stream()
              .filter(f -> f.rule().name().equals("UnreadablePublication")).count();
          if (unreadableAfter > findings.stream().filter(f -> f.file().equals(fix.file())
              && f.rule().name().equals("UnreadablePublication")).count()) {
            throw new BadInputException(fix.file().displayPath() + ": the fix would make a publication unreadable");
          }
          proxied += findings.stream().filter(f -> f.file().equals(fix.file()) && f.bindTo().isPresent()
              && f.port().isPresent() && !f.suppressed()).count();
          edits += fix.edits().size();
          changedFiles++;
          if (write) {
            // A crash or a failed rename leaves the user's file as it was, never truncated.
            AtomicFile.write(fix.file().path(), fix.newText());
          } else {
            out.print(fix.diff());
          }
        }
      } catch (BadInputException e) {
        errors.add(e.getMessage());
      } catch (IOException e) {
        errors.add("cannot write: " + e.getMessage());
      }
    }
    out.flush();
    errors.forEach(e -> err.println("breakwater: " + e + " (file left unchanged)"));
    String bound = edits + " port" + (edits == 1 ? "" : "s") + " bound to " + bind + " in " + changedFiles
        + " file" + (changedFiles == 1 ? "" : "s")
        + (proxied == 0 ? "" : " (" + proxied + " of them to the address the reverse proxy config uses)");
    err.println(edits == 0 ? "nothing to fix" : write ? bound : bound + " (dry run: add --write to apply)");
    return errors.isEmpty() ? ExitCodes.CLEAN : ExitCodes.BAD_INPUT;
  }
}
