package dev.breakwater.cli;


import dev.breakwater.lab.Lab;
import dev.breakwater.lab.LabException;
import dev.breakwater.lab.LabStatus;
import dev.breakwater.lab.Scenario;
import dev.breakwater.lab.ScenarioParser;
import dev.breakwater.gather.LiveGatherer;
import dev.breakwater.input.BoundedText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "lab",
    mixinStandardHelpOptions = true,
    description = {
      "A disposable Docker + UFW host in network namespaces on this machine (needs root).",
      "",
      "Namespace bwl-host runs its own dockerd (socket /run/breakwater-lab/docker.sock) and UFW, with eth0 = "
          + "198.51.100.1 and 2001:db8:1::1; namespace bwl-attacker is 'the internet': 198.51.100.66, .67 and "
          + "2001:db8:1::66. UFW's files are bind-mounted copies in a private mount namespace: this machine's "
          + "addresses, routes, firewall and /etc/ufw are never changed."
    },
    subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class, LabCommand.Exec.class, LabCommand.Probe.class, LabCommand.Snapshot.class},
    footer = {
      "",
      "Examples:",
      "  sudo breakwater lab up                               the seed incident: UFW denies, 3306 answers anyway",
      "  sudo breakwater lab exec --attacker -- busybox nc -w 2 198.51.100.1 3306",
      "  sudo breakwater lab exec -- ufw status verbose",
      "  sudo breakwater lab probe                            real connections from every attacker address",
      "  sudo breakwater lab snapshot --out /tmp/lab-snap && breakwater audit --from /tmp/lab-snap",
      "  sudo breakwater lab down",
      "",
      "Built-in scenarios: seed-incident, loopback-bound, docker-user-fix-v4, docker-user-fix, docker-user-allowlist, port-forms; or a YAML file (see docs/lab.md)."
    })
public final class LabCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static Lab lab() {
    return Lab.standard(line -> System.err.println("lab: " + line));
  }

  static <T> T reportingLabErrors(Callable<T> action) throws Exception {
    try {
      return action.call();
    } catch (LabException e) {
      throw new UserError("lab: " + e.getMessage());
    }
  }

  @Command(name = "up", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.BAD_INPUT,
      description = "Build the lab and start a scenario's containers (removes a previous or crashed lab first).",
      footer = {"", "  sudo breakwater lab up", "  sudo breakwater lab up --scenario port-forms", "  sudo breakwater lab up --scenario my-incident.yaml"})
  static final class Up implements Callable<Integer> {
    @Option(names = "--scenario", paramLabel = "NAME|FILE", defaultValue = "seed-incident",
        description = "A built-in scenario (seed-incident, loopback-bound, docker-user-fix-v4, docker-user-fix, docker-user-allowlist, port-forms) or a scenario YAML file. Default: ${DEFAULT-VALUE}.")
    String scenario;

    @Override
    public Integer call() throws Exception {
      Scenario chosen = Scenario.builtIn(scenario).orElseGet(() -> fromFile(scenario));
      long start = System.nanoTime();
      reportingLabErrors(() -> {
        lab().up(chosen);
        return null;
      });
      System.out.printf("lab up: scenario %s in %.1fs; attacker addresses %s reach %s (eth0 of %s)%n", chosen.name(),
          (System.nanoTime() - start) / 1e9, String.join(", ", Lab.ATTACKER_ADDRESSES), Lab.HOST_ADDRESS, Lab.HOST_NS);
      return ExitCodes.CLEAN;
    }

    private static Scenario fromFile(String file) {
      Path path = Path.of(file);
      if (!Files.isRegularFile(path)) {
        throw new UserError(file + ": no such scenario file, and not a built-in scenario (seed-incident, loopback-bound, docker-user-fix-v4, docker-user-fix, docker-user-allowlist, port-forms)");
      }
      try {
        return ScenarioParser.parse(file, BoundedText.read(path, BoundedText.Limits.mib(8, "a scenario is YAML, see docs/lab.md")));
      } catch (java.nio.file.NoSuchFileException e) {
        throw new UserError(file + ": cannot read: no such file");
      }
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.BAD_INPUT,
      description = "Remove every namespace, process, mount and file the lab made.")
  static final class Down implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      long start = System.nanoTime();
      reportingLabErrors(() -> {
        lab().down();
        return null;
      });
      System.out.printf("lab down in %.1fs%n", (System.nanoTime() - start) / 1e9);
      return ExitCodes.CLEAN;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.BAD_INPUT,
      description = "What of the lab is up: namespaces, dockerd, containers and their ports, UFW's status. Exit 0 when up, 1 when not.")
  static final class Status implements Callable<Integer> {
    @Override
    public Integer call() {
      LabStatus status = lab().status();
      System.out.println("namespace " + Lab.HOST_NS + ": " + (status.hostNamespace() ? "present" : "absent"));
      System.out.println("namespace " + Lab.ATTACKER_NS + ": " + (status.attackerNamespace() ? "present" : "absent"));
      status.scenario().ifPresent(s -> System.out.println("scenario: " + s));
      System.out.println("dockerd: " + (status.dockerAnswers() ? "answering" : status.dockerdRunning() ? "running, not answering" : "not running"));
      status.containers().forEach(c -> System.out.println("container " + c));
      if (!status.ufwStatus().isEmpty()) {
        System.out.println("ufw (inside the lab):");
        status.ufwStatus().lines().forEach(l -> System.out.println("  " + l));
      }
      return status.anythingUp() ? ExitCodes.CLEAN : ExitCodes.FINDINGS;
    }
  }

  @Command(name = "exec", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.BAD_INPUT,
      description = "Run a command inside the lab host (its network and mount namespaces), or with --attacker inside the attacker namespace. Exits with the command's exit code.",
      footer = {"", "  sudo breakwater lab exec -- iptables -S DOCKER-USER", "  sudo breakwater lab exec --attacker -- busybox nc -w 2 198.51.100.1 3306"})
  static final class Exec implements Callable<Integer> {
    @Option(names = "--attacker", description = "Run in the attacker namespace instead of the lab host.")
    boolean attacker;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600", description = "Kill the command after this many seconds (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (put -- before it).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
      return reportingLabErrors(() -> lab().exec(attacker, command, Duration.ofSeconds(timeoutSeconds)));
    }
  }

  @Command(name = "probe", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.BAD_INPUT,
      description = {
        "Connect from every attacker address (198.51.100.66, .67, 2001:db8:1::66) to every TCP port the lab's "
            + "containers publish, on the lab host's outside address of the same family, and print what answered.",
        "These are real TCP handshakes: the ground truth an audit of the lab must agree with. "
            + "Exit 0 when nothing was reached, 1 when something was."
      })
  static final class Probe implements Callable<Integer> {
    @Option(names = "--neighbour", paramLabel = "PORT", split = ",",
        description = "Also connect to 127.0.0.1:PORT as a neighbour on the lab host's link would (the attacker routes 127.0.0.1 to the host; "
            + "Docker before 28 lets that reach ports published on 127.0.0.1). Changes the attacker namespace until 'lab down'.")
    List<Integer> neighbourPorts = List.of();

    @Override
    public Integer call() throws Exception {
      List<dev.breakwater.lab.AttackerProbe.Result> results = reportingLabErrors(() -> {
        List<dev.breakwater.lab.AttackerProbe.Result> all = new java.util.ArrayList<>(lab().probeEveryPublishedPort());
        for (int port : neighbourPorts) {
          all.add(lab().probeLoopbackAsNeighbour(port));
        }
        return all;
      });
      for (dev.breakwater.lab.AttackerProbe.Result r : results) {
        System.out.printf("%-40s %-9s %s%n", r.probe().describe(), r.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
            r.banner().isEmpty() ? "" : "\"" + r.banner() + "\"");
      }
      return results.stream().anyMatch(dev.breakwater.lab.AttackerProbe.Result::reached) ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
    }
  }

  @Command(name = "snapshot", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.BAD_INPUT,
      description = "Write a snapshot directory of the lab host, as 'breakwater snapshot' does for a real one.")
  static final class Snapshot implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
      LiveGatherer.Result result = reportingLabErrors(() -> lab().snapshot(out));
      result.notes().forEach(note -> System.err.println("note: " + note));
      System.out.println("wrote " + String.join(", ", result.files()) + " to " + result.directory());
      return ExitCodes.CLEAN;
    }
  }
}
