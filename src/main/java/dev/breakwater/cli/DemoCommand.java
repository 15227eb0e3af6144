package dev.breakwater.cli;


import dev.breakwater.audit.AuditReport;
import dev.breakwater.audit.HostAudit;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.host.HostFacts;
import dev.breakwater.demo.Demo;
import dev.breakwater.demo.PolicyFix;
import dev.breakwater.lab.LabException;
import dev.breakwater.lab.LabPackages;
import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "See the flaw and the fix with your own eyes, safely, in half a minute (needs root).",
      "",
      "Builds a disposable Docker host in network namespaces of this machine (its own dockerd and UFW; "
          + "this machine's network, firewall, /etc/ufw and Docker are never touched) with the classic incident: "
          + "UFW denies incoming, yet a MySQL-like service published as 3306 answers; a cache bound to 127.0.0.1 "
          + "does not (except to a neighbour on the same link, on Docker before 28); the web site on 8080 is public "
          + "on purpose. Then audits it, connects from an attacker namespace to prove the bypass, plans and applies "
          + "a policy (8080 from anywhere, 3306 from one office address, nothing else) and proves it, including that "
          + "containers still reach the outside, and removes everything, also on failure or Ctrl-C.",
      "",
      "Missing Debian packages (iproute2 iptables ufw docker.io busybox-static) are named with what each is "
          + "for, and installed with apt-get after you agree (or at once with --yes)."
    },
    footer = {
      "",
      "Examples:",
      "  sudo ./breakwater demo",
      "  sudo ./breakwater demo --yes        install missing packages without asking (CI, scripts)",
      "",
      "Exit codes: 0 everything was proven as shown, 1 some proof came out differently (the output says which), 2 bad input."
    })
public final class DemoCommand implements Callable<Integer> {

  @Option(names = {"-y", "--yes"}, description = "Install missing Debian packages without asking.")
  boolean yes;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    long start = System.nanoTime();
    if (!CommandRunner.runningAsRoot()) {
      throw new UserError("the demo needs root: it creates network namespaces and runs its own dockerd and UFW inside them "
          + "(nothing outside them changes). Run: sudo ./breakwater demo");
    }
    Demo demo = new Demo(out, Path.of("/run/breakwater-lab"), auditEngine(), new PolicyFix());
    demo.introduce();
    demo.checkMachine(new LabPackages(CommandRunner.local()), this::mayInstall);
    Demo.Outcome outcome;
    try {
      outcome = demo.run();
    } catch (RuntimeException e) {
      if (demo.interrupted()) {
        return 130; // The shutdown hook has removed the lab and said so; the JVM is exiting.
      }
      if (e instanceof LabException) {
        throw new UserError("demo: " + e.getMessage());
      }
      throw e;
    }
    summarise(out, outcome);
    out.printf("Done in %.0fs.%n", (System.nanoTime() - start) / 1e9);
    if (demo.leftBehind()) {
      out.println("Part of the lab is still there (see step 7): run 'sudo breakwater lab down'.");
    }
    return outcome.asExpected() && !demo.leftBehind() ? ExitCodes.CLEAN : ExitCodes.FINDINGS;
  }

  /** The audit the demo runs: the same engine as 'breakwater audit'. */
  static Optional<Function<HostFacts, AuditReport>> auditEngine() {
    return Optional.of(HostAudit::run);
  }

  private boolean mayInstall(List<LabPackages.DebianPackage> missing) {
    if (yes) {
      return true;
    }
    Console console = System.console();
    if (console == null) {
      throw new UserError("missing Debian packages " + String.join(", ", missing.stream().map(LabPackages.DebianPackage::name).toList())
          + " and no terminal to ask on: run 'sudo breakwater demo --yes' to install them, or install them yourself");
    }
    String answer = console.readLine("     Install them now with apt-get install -y %s? [y/N] ",
        String.join(" ", missing.stream().map(LabPackages.DebianPackage::name).toList()));
    return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
  }

  private static void summarise(PrintStream out, Demo.Outcome outcome) {
    out.println();
    out.println(outcome.bypassProven()
        ? "Proven: UFW said \"deny\" for 3306, and the attacker connected anyway, over IPv4 and IPv6."
        : "Not proven: the attacker did not reach 3306 from every address (see step 5).");
    out.println(outcome.cacheBlocked()
        ? "Proven: the cache bound to 127.0.0.1 was not reachable from outside, yet ran inside the host."
        : "Unexpected: the loopback-bound cache did not behave as a loopback-bound port should (see step 5).");
    out.println(outcome.fixHolds()
        ? "Proven: with Breakwater's plan applied, 3306 was closed to every outsider but the office, and 8080 stayed open to all."
        : "Not proven: the fix did not close 3306 to the other outsiders, or it closed 8080 (see step 6).");
    out.println(outcome.officeGetsIn()
        ? "Proven: the allowed source, the office, still got in to 3306."
        : "Not proven: the fix shut out the office, the one source allowed to 3306 (see step 6).");
    out.println(outcome.containersReachOut()
        ? "Proven: containers still reach the outside: the replies to their own connections come back."
        : "Not proven: a container's connection to the outside got no reply after the fix (see step 6).");
    outcome.auditDisagreements().ifPresent(d -> out.println(d.isEmpty()
        ? "The audit agreed with every real connection."
        : "The audit disagreed with " + d.size() + " real connections (see step 5): please report it."));
    out.println("Next, on a real host: sudo breakwater audit");
  }
}
