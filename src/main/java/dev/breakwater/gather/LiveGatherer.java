package dev.breakwater.gather;

import dev.breakwater.docker.DockerApiException;
import dev.breakwater.docker.DockerClient;
import dev.breakwater.system.CommandFailed;
import dev.breakwater.system.CommandRunner;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.NetfilterTools.Tool;

import dev.breakwater.hostconf.DaemonJsonKeys;
import dev.breakwater.input.BoundedText;
import dev.breakwater.problem.BadInput;
import dev.breakwater.problem.EnvironmentProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the snapshot directory of DESIGN.md from a live host: the same plain outputs an admin
 * would collect by hand, so a snapshot made here and one made by a fleet tool read the same.
 *
 * <p>Required files missing means no analysis is possible: that is a {@link EnvironmentProblem} saying
 * what to install or how to run. Optional ones are skipped with a note.
 */
public final class LiveGatherer {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  /** firewall-cmd asks firewalld over D-Bus; a hung bus must not hold the snapshot for long. */
  private static final Duration FIREWALL_CMD_TIMEOUT = Duration.ofSeconds(10);
  /** firewall-cmd --state's exit code when firewalld is not running (firewall-cmd(1), "Exit Codes"). */
  private static final int FIREWALLD_NOT_RUNNING = 252;
  // docker inspect prints Go's json.MarshalIndent layout: four spaces, "key": value, [] for empty.
  private static final DefaultPrettyPrinter GO_STYLE = new DefaultPrettyPrinter(
          Separators.createDefaultInstance()
              .withObjectNameValueSpacing(Separators.Spacing.AFTER)
              .withArrayEmptySeparator("")
              .withObjectEmptySeparator(""))
      .withObjectIndenter(new DefaultIndenter("    ", "\n"))
      .withArrayIndenter(new DefaultIndenter("    ", "\n"));
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final BoundedText.Limits COPY_LIMITS = BoundedText.Limits.mib(64, "copy it by hand if it is right");

  private final CommandRunner runner;
  private final NetfilterTools netfilter;
  private final DockerClient docker;
  private final HostFiles hostFiles;

  /**
   * The configuration files a snapshot copies. A lab host (a network namespace) has its own
   * daemon.json but shares the machine's /etc: it copies only daemon.json, or it would report the
   * machine's UFW and firewalld settings as its own.
   *
   * @param ufwDefault {@code /etc/default/ufw}, copied as ufw-default
   * @param firewalldConf {@code /etc/firewalld/firewalld.conf}, copied as firewalld.conf
   * @param fail2ban {@code /etc/fail2ban}: its jail.conf, jail.local and jail.d/*.conf|*.local are
   *     copied below fail2ban/
   */
  public record HostFiles(Path daemonJson, Optional<Path> ufwDefault, Optional<Path> firewalldConf,
      Optional<Path> fail2ban) {
    /** This machine's files, with {@code daemonJson} (the snapshot command's --daemon-json). */
    public static HostFiles system(Path daemonJson) {
      return new HostFiles(daemonJson, Optional.of(Path.of("/etc/default/ufw")),
          Optional.of(Path.of("/etc/firewalld/firewalld.conf")), Optional.of(Path.of("/etc/fail2ban")));
    }

    /** Without fail2ban's jails. */
    public HostFiles(Path daemonJson, Optional<Path> ufwDefault, Optional<Path> firewalldConf) {
      this(daemonJson, ufwDefault, firewalldConf, Optional.empty());
    }
  }

  /**
   * The sysctls that change who reaches a port, for every interface: sysctl prints an interface
   * name's dots as slashes, so {@code [^.]+} matches one name. In a lab host's namespace the
   * runner runs sysctl there, which shows that namespace's values.
   */
  static final List<String> SYSCTL = List.of("sysctl", "-a", "--pattern",
      "^net\\.ipv4\\.(ip_forward|conf\\.[^.]+\\.(route_localnet|forwarding|rp_filter|src_valid_mark|accept_local))$|^net\\.ipv6\\.conf\\.[^.]+\\.(force_)?forwarding$|^kernel\\.osrelease$");

  /**
   * The routes of every table, not only main's: policy routing (ip rule) may look up others.
   * {@code -4} because "ip route show table all" alone prints both families. What {@code snapshot}
   * writes as ip-route.json / ip6-route.json, and what watch's proof reads live.
   */
  static final List<String> ROUTES_V4 = List.of("ip", "-4", "-j", "route", "show", "table", "all");
  static final List<String> ROUTES_V6 = List.of("ip", "-6", "-j", "route", "show", "table", "all");
  /** The policy-routing rules: ip-rule.json / ip6-rule.json. */
  static final List<String> RULES_V4 = List.of("ip", "-4", "-j", "rule", "show");
  static final List<String> RULES_V6 = List.of("ip", "-6", "-j", "rule", "show");

  /** A gatherer that copies only {@code daemonJson} of the configuration files (a lab host). */
  public LiveGatherer(CommandRunner runner, DockerClient docker, Path daemonJson) {
    this(runner, docker, new HostFiles(daemonJson, Optional.empty(), Optional.empty()));
  }

  public LiveGatherer(CommandRunner runner, DockerClient docker, HostFiles hostFiles) {
    this.runner = runner;
    this.netfilter = new NetfilterTools(runner);
    this.docker = docker;
    this.hostFiles = hostFiles;
  }

  /** This machine: local commands, DOCKER_HOST or the default socket, /etc/docker/daemon.json, /etc/default/ufw, ... */
  public static LiveGatherer forThisHost() {
    return new LiveGatherer(CommandRunner.local(), DockerClient.fromEnvironment(),
        HostFiles.system(Path.of("/etc/docker/daemon.json")));
  }

  /** What was written, and what could not be and why. */
  public record Result(Path directory, List<String> files, List<String> notes) {
    public Result {
      files = List.copyOf(files);
      notes = List.copyOf(notes);
    }
  }

  /** Writes a snapshot of the host into {@code directory} (created when missing). */
  public Result gather(Path directory) {
    var writer = new SnapshotWriter(directory);
    List<String> files = new ArrayList<>();
    List<String> notes = new ArrayList<>();

    String rules = required(Tool.IPTABLES_SAVE, List.of(), "install iptables");
    files.add(writer.write("iptables-save.txt", rules).getFileName().toString());
    optional(Tool.IP6TABLES_SAVE, List.of(), notes, "IPv6 will not be analysed")
        .ifPresent(out -> files.add(writer.write("ip6tables-save.txt", out).getFileName().toString()));
    files.add(writer.write("docker-inspect.json", dockerInspect(notes)).getFileName().toString());
    dockerInfo(notes).ifPresent(out -> files.add(writer.write("docker-info.json", out).getFileName().toString()));
    podmanInspect(notes).ifPresent(out -> files.add(writer.write("podman-inspect.json", out).getFileName().toString()));
    String addresses = required("ip", List.of("ip", "-j", "addr", "show"), "install iproute2");
    files.add(writer.write("ip-addr.json", addresses).getFileName().toString());
    optional("ip", ROUTES_V4, notes, "routes will not be known")
        .ifPresent(out -> files.add(writer.write("ip-route.json", out).getFileName().toString()));
    optional("ip", ROUTES_V6, notes, "IPv6 routes will not be known")
        .ifPresent(out -> files.add(writer.write("ip6-route.json", out).getFileName().toString()));
    optional("ip", RULES_V4, notes, "policy routing (ip rule) is taken as the default rules")
        .ifPresent(out -> files.add(writer.write("ip-rule.json", out).getFileName().toString()));
    optional("ip", RULES_V6, notes, "IPv6 policy routing is taken as the default rules")
        .ifPresent(out -> files.add(writer.write("ip6-rule.json", out).getFileName().toString()));
    optional("ufw", List.of("ufw", "status", "verbose"), notes, "the audit cannot compare with what UFW claims")
        .ifPresent(out -> files.add(writer.write("ufw-status.txt", out).getFileName().toString()));
    daemonConfig(notes).ifPresent(out -> files.add(writer.write("daemon.json", out).getFileName().toString()));
    hostFiles.ufwDefault().flatMap(path -> copy(path, notes))
        .ifPresent(out -> files.add(writer.write("ufw-default", out).getFileName().toString()));
    hostFiles.firewalldConf().flatMap(path -> copy(path, notes))
        .ifPresent(out -> files.add(writer.write("firewalld.conf", out).getFileName().toString()));
    firewalldState(notes).ifPresent(out -> files.add(writer.write("firewall-cmd-state.txt", out).getFileName().toString()));
    hostFiles.fail2ban().ifPresent(dir -> files.addAll(fail2ban(directory, dir, notes)));
    optional("sysctl", SYSCTL, notes, "route_localnet, forwarding and rp_filter are not checked")
        .ifPresent(out -> files.add(writer.write("sysctl.txt", out).getFileName().toString()));
    optional(Tool.NFT, List.of("-j", "list", "ruleset"), notes, "nftables tables that iptables does not show are not captured")
        .ifPresent(out -> files.add(writer.write("nft-ruleset.json", out).getFileName().toString()));
    if (rules.contains(" -m set ")) {
      optional(Tool.IPSET, List.of("save"), notes, "rules matching ipsets will be \"possibly\"")
          .ifPresent(out -> files.add(writer.write("ipset-save.txt", out).getFileName().toString()));
    }
    // Only root sees every socket's process (ss reads /proc/PID/fd); without it the column is empty.
    optional("ss", List.of("ss", "-Htulnp"), notes, "the host's own listening sockets are not audited")
        .ifPresent(out -> files.add(writer.write("ss-listening.txt", out).getFileName().toString()));
    hostname().ifPresent(out -> files.add(writer.write("hostname", out).getFileName().toString()));
    return new Result(directory, files, notes);
  }

  private String required(Tool tool, List<String> args, String install) {
    return required(tool.command(), argv(tool, args), install, () -> netfilter.run(tool, args));
  }

  private Optional<String> optional(Tool tool, List<String> args, List<String> notes, String consequence) {
    return optional(tool.command(), argv(tool, args), notes, consequence, () -> netfilter.run(tool, args));
  }

  private String required(String tool, List<String> argv, String install) {
    return required(tool, argv, install, () -> runner.run(argv, COMMAND_TIMEOUT));
  }

  private Optional<String> optional(String tool, List<String> argv, List<String> notes, String consequence) {
    return optional(tool, argv, notes, consequence, () -> runner.run(argv, COMMAND_TIMEOUT));
  }

  private static List<String> argv(Tool tool, List<String> args) {
    List<String> argv = new ArrayList<>(List.of(tool.command()));
    argv.addAll(args);
    return argv;
  }

  private static String required(String tool, List<String> argv, String install, Supplier<CommandRunner.Result> run) {
    if (CommandRunner.find(tool).isEmpty()) {
      throw new EnvironmentProblem(tool + " not found: " + install + ", or run 'breakwater audit --from DIR' on a snapshot made elsewhere");
    }
    CommandRunner.Result result;
    try {
      result = run.get();
    } catch (CommandFailed e) {
      throw new EnvironmentProblem(e.getMessage());
    }
    if (!result.ok()) {
      String why = firstLine(result.stderr());
      if (!CommandRunner.runningAsRoot()) {
        throw new EnvironmentProblem(String.join(" ", argv) + " failed (" + why + "): reading the firewall needs root; run with sudo, "
            + "or run 'breakwater audit --from DIR' on a snapshot made elsewhere");
      }
      throw new EnvironmentProblem(String.join(" ", argv) + " failed with exit " + result.exitCode() + ": " + why);
    }
    return result.stdout();
  }

  private static Optional<String> optional(String tool, List<String> argv, List<String> notes, String consequence,
      Supplier<CommandRunner.Result> run) {
    if (CommandRunner.find(tool).isEmpty()) {
      notes.add(tool + " is not installed: " + consequence);
      return Optional.empty();
    }
    CommandRunner.Result result;
    try {
      result = run.get();
    } catch (CommandFailed | CommandRunner.TimeoutException e) {
      notes.add(e.getMessage() + ": " + consequence);
      return Optional.empty();
    }
    if (!result.ok()) {
      notes.add(String.join(" ", argv) + " failed (" + firstLine(result.stderr() + result.stdout()) + "): " + consequence);
      return Optional.empty();
    }
    return Optional.of(result.stdout());
  }

  private String dockerInspect(List<String> notes) {
    if (!Files.exists(docker.socket())) {
      notes.add("no Docker daemon socket at " + docker.socket() + " (set DOCKER_HOST=unix:///path if it listens elsewhere): "
          + "docker-inspect.json lists no containers");
      return "[]\n";
    }
    try {
      return JSON.writer().with(GO_STYLE).writeValueAsString(docker.inspectRunning()) + "\n";
    } catch (DockerApiException e) {
      String hint = CommandRunner.runningAsRoot() ? "is dockerd running?" : "run with sudo or as a member of the docker group";
      throw new EnvironmentProblem(e.getMessage() + ": " + hint);
    }
  }

  /**
   * {@code GET /info}, for Docker's firewall backend. Optional: without it the backend is only
   * guessed from the rules, so a failure is a note, not the end of the snapshot.
   */
  private Optional<String> dockerInfo(List<String> notes) {
    if (!Files.exists(docker.socket())) {
      return Optional.empty(); // dockerInspect has said there is no socket
    }
    try {
      return Optional.of(JSON.writer().with(GO_STYLE).writeValueAsString(docker.info()) + "\n");
    } catch (DockerApiException e) {
      notes.add(e.getMessage() + ": Docker's firewall backend (docker-info.json) is not known");
      return Optional.empty();
    }
  }

  /**
   * {@code podman inspect $(podman ps -q)}, only when podman is installed: rootful Podman
   * publishes ports through netavark's DNAT, which the rules show but docker inspect does not.
   */
  private Optional<String> podmanInspect(List<String> notes) {
    if (CommandRunner.find("podman").isEmpty()) {
      return Optional.empty(); // most Docker hosts: no note
    }
    String consequence = "Podman's published ports are not audited";
    Optional<String> ids = optional("podman", List.of("podman", "ps", "-q"), notes, consequence);
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    List<String> argv = new ArrayList<>(List.of("podman", "inspect"));
    ids.get().lines().map(String::strip).filter(id -> !id.isEmpty()).forEach(argv::add);
    if (argv.size() == 2) {
      return Optional.of("[]\n"); // no container runs, as for docker-inspect.json
    }
    return optional("podman", argv, notes, consequence);
  }

  /**
   * {@code firewall-cmd --state}: {@code running} (exit 0) or {@code not running} (exit 252), both
   * facts worth keeping; only when firewall-cmd is installed (without it firewalld cannot run).
   */
  private Optional<String> firewalldState(List<String> notes) {
    if (CommandRunner.find("firewall-cmd").isEmpty()) {
      return Optional.empty();
    }
    List<String> argv = List.of("firewall-cmd", "--state");
    String consequence = "whether firewalld filters published ports is not known";
    CommandRunner.Result result;
    try {
      result = runner.run(argv, FIREWALL_CMD_TIMEOUT);
    } catch (CommandFailed | CommandRunner.TimeoutException e) {
      notes.add(e.getMessage() + ": " + consequence);
      return Optional.empty();
    }
    if (result.exitCode() == 0 || result.exitCode() == FIREWALLD_NOT_RUNNING) {
      String state = result.stdout().strip();
      return Optional.of((state.isEmpty() ? (result.ok() ? "running" : "not running") : state) + "\n");
    }
    notes.add("firewall-cmd --state failed (" + firstLine(result.stderr() + result.stdout()) + "): " + consequence);
    return Optional.empty();
  }

  private Optional<String> daemonConfig(List<String> notes) {
    Path daemonJson = hostFiles.daemonJson();
    // No daemon.json is the common case: Docker's defaults apply.
    Optional<String> text = copy(daemonJson, notes);
    try {
      // Docker refuses to start with a file its reader refuses; say so (at its line) rather than copy it.
      text.ifPresent(t -> DaemonJsonKeys.parse(t, daemonJson.toString()));
      return text;
    } catch (BadInput e) {
      notes.add(e.getMessage() + ": not captured");
      return Optional.empty();
    }
  }

  /**
   * A configuration file's text, read with the snapshot reader's bounds (a regular file, at most
   * 64 MiB, UTF-8); empty and said when it cannot be read, silently when it does not exist.
   */
  private static Optional<String> copy(Path file, List<String> notes) {
    try {
      return Optional.of(BoundedText.read(file, COPY_LIMITS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (BadInput e) {
      notes.add(e.getMessage() + ": not captured");
      return Optional.empty();
    }
  }

  /**
   * fail2ban's jail files below {@code snapshot/fail2ban/}: what fail2ban merges (client/configreader.py),
   * not its filters or actions. Nothing when fail2ban is not installed.
   */
  private static List<String> fail2ban(Path snapshot, Path etc, List<String> notes) {
    List<String> written = new ArrayList<>();
    if (!Files.isDirectory(etc)) {
      return written;
    }
    SnapshotWriter top = new SnapshotWriter(snapshot.resolve("fail2ban"));
    for (String name : List.of("jail.conf", "jail.local")) {
      copy(etc.resolve(name), notes).ifPresent(text -> {
        top.write(name, text);
        written.add("fail2ban/" + name);
      });
    }
    Path jailD = etc.resolve("jail.d");
    if (Files.isDirectory(jailD)) {
      try (var listing = Files.list(jailD)) {
        List<Path> dropIns = listing.filter(f -> f.getFileName().toString().matches("[^.][^/]*\\.(conf|local)"))
            .sorted().limit(200).toList();
        SnapshotWriter dropInWriter = new SnapshotWriter(snapshot.resolve("fail2ban").resolve("jail.d"));
        for (Path dropIn : dropIns) {
          copy(dropIn, notes).ifPresent(text -> {
            dropInWriter.write(dropIn.getFileName().toString(), text);
            written.add("fail2ban/jail.d/" + dropIn.getFileName());
          });
        }
      } catch (IOException e) {
        notes.add(jailD + " cannot be listed (" + e.getMessage() + "): its jails are not captured");
      }
    }
    return written;
  }

  private Optional<String> hostname() {
    try {
      return Optional.of(Files.readString(Path.of("/proc/sys/kernel/hostname")));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String firstLine(String text) {
    String trimmed = text.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline);
  }
}
