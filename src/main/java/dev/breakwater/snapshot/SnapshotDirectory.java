package dev.breakwater.snapshot;

import dev.breakwater.host.Container;
import dev.breakwater.host.DaemonConfig;
import dev.breakwater.host.DaemonNotes;
import dev.breakwater.host.ContainerRuntime;
import dev.breakwater.host.FirewalldSetup;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.HostListener;
import dev.breakwater.host.HostSetup;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.host.Route;
import dev.breakwater.host.RoutingRule;
import dev.breakwater.hostconf.DaemonJsonKeys;
import dev.breakwater.hostconf.HostConfig;
import dev.breakwater.hostconf.JailConfig;
import dev.breakwater.hostconf.SysctlValues;
import dev.breakwater.hostconf.UfwDefaults;

import dev.breakwater.problem.BadInput;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IpsetSaveParser;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.netfilter.NftTable;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.ufw.UfwStatus;
import dev.breakwater.ufw.UfwStatusReader;
import inet.ipaddr.IPAddress;
import dev.breakwater.input.BoundedText;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Reads a snapshot directory, the offline contract of DESIGN.md: plain outputs of standard
 * commands, so that any host can produce one without Breakwater.
 *
 * <pre>
 * iptables-save.txt    iptables-save                       required
 * docker-inspect.json  docker inspect $(docker ps -q)      required ([] or empty: no containers)
 * ip-addr.json         ip -j addr show                     required
 * ip6tables-save.txt   ip6tables-save                      optional
 * ip-route.json        ip -4 -j route show table all       optional (may also hold ip -6's; older: ip -j route show)
 * ip6-route.json       ip -6 -j route show table all       optional
 * ip-rule.json         ip -4 -j rule show                  optional (without it: the default rules)
 * ip6-rule.json        ip -6 -j rule show                  optional
 * ufw-status.txt       ufw status verbose                  optional
 * daemon.json          /etc/docker/daemon.json             optional
 * nft-ruleset.json     nft -j list ruleset                 optional
 * ipset-save.txt       ipset save                          optional
 * hostname             hostname                            optional
 * ss-listening.txt     ss -Htulnp                          optional (the host's own listeners)
 * docker-info.json     docker info --format '{{json .}}'   optional (Docker's firewall backend)
 * ufw-default          /etc/default/ufw                    optional
 * firewalld.conf       /etc/firewalld/firewalld.conf       optional
 * firewall-cmd-state.txt  firewall-cmd --state             optional
 * podman-inspect.json  podman inspect $(podman ps -q)      optional
 * sysctl.txt           sysctl (forwarding, route_localnet, rp_filter, ...)  optional
 * fail2ban/jail.conf, jail.local, jail.d/*.conf, jail.d/*.local   /etc/fail2ban's jails, optional
 * </pre>
 */
public final class SnapshotDirectory {
  /**
   * Said when the snapshot has no IPv6 ruleset; the audit leaves out the engine's own IPv6 note
   * when this one is there, so the reader hears it once, in the snapshot's terms.
   */
  public static final String NO_IP6TABLES_SAVE = "no ip6tables-save.txt in the snapshot: IPv6 exposure is not analysed";

  /**
   * The largest snapshot file read: an iptables-save of 100,000 rules is about 15 MiB, so 64 MiB
   * leaves room and still refuses {@code /dev/zero} or a disk image before memory runs out.
   */
  static final BoundedText.Limits FILE_LIMITS =
      BoundedText.Limits.mib(64, "write it again with the command that produces it");

  private SnapshotDirectory() {}

  /**
   * @throws BadInput for a missing directory or required file, or an unreadable file
   * @throws dev.breakwater.problem.InputProblem subclasses for a file that is not what its command writes
   */
  public static HostFacts read(Path dir) {
    return read(dir, true);
  }

  /**
   * {@link #read(Path)} without its second thread, for a caller that already reads many snapshots
   * in parallel (a fleet): there the other cores are busy with other hosts, and a thread per
   * snapshot would only oversubscribe them.
   */
  public static HostFacts readOnThisThread(Path dir) {
    return read(dir, false);
  }

  private static HostFacts read(Path dir, boolean parseOnAnotherCore) {
    if (!Files.isDirectory(dir)) {
      throw new BadInput(dir + ": not a snapshot directory (write one with: breakwater snapshot " + dir + ")");
    }
    // A missing required file is reported before any file is parsed, and the small files are
    // parsed before the rulesets: their errors are cheaper to find and fix first.
    String iptablesText = required(dir, "iptables-save.txt", "iptables-save");
    String inspectText = required(dir, "docker-inspect.json", "docker inspect $(docker ps -q)");
    String addrText = required(dir, "ip-addr.json", "ip -j addr show");
    List<String> notes = new ArrayList<>();

    // The IPv4 ruleset is the big file: parse it on the other core while the rest is read. Its
    // error, if any, is still reported only after the small files' (join below).
    Map<String, List<IPAddress>> ipsets = optional(dir, "ipset-save.txt")
        .map(text -> IpsetSaveParser.parse(text, name(dir, "ipset-save.txt")))
        .orElse(Map.of());
    FutureTask<Ruleset> ipv4Parse = new FutureTask<>(
        () -> IptablesSaveParser.parse(iptablesText, IpFamily.V4, name(dir, "iptables-save.txt"), ipsets));
    // nft-ruleset.json (2 MB on a Docker 29 host with 2,000 published ports, whose iptables dump
    // is nearly empty) is parsed on that core too, after the IPv4 dump; its error is reported
    // where it always was, after the rulesets' (joined below).
    FutureTask<Optional<NftJsonReader.Parsed>> nftParse = new FutureTask<>(() -> optional(dir, "nft-ruleset.json")
        .map(text -> NftJsonReader.parse(text, name(dir, "nft-ruleset.json"))));
    if (parseOnAnotherCore) {
      Thread.ofPlatform().daemon().name("parse-iptables-save").start(() -> {
        ipv4Parse.run();
        nftParse.run();
      });
    } else {
      ipv4Parse.run(); // its error is still reported after the small files' (joined below)
      nftParse.run();
    }

    List<Container> containers = new ArrayList<>(DockerInspectReader.read(inspectText, name(dir, "docker-inspect.json")));
    optional(dir, "podman-inspect.json").ifPresent(text -> containers.addAll(
        DockerInspectReader.read(text, name(dir, "podman-inspect.json"), ContainerRuntime.PODMAN)));
    List<NetworkInterface> interfaces = IpAddrReader.read(addrText, name(dir, "ip-addr.json"));

    List<Route> routes = new ArrayList<>();
    optional(dir, "ip-route.json")
        .ifPresent(text -> routes.addAll(IpRouteReader.read(text, name(dir, "ip-route.json"), IpFamily.V4)));
    optional(dir, "ip6-route.json")
        .ifPresent(text -> routes.addAll(IpRouteReader.read(text, name(dir, "ip6-route.json"), IpFamily.V6)));
    List<RoutingRule> routingRules = new ArrayList<>();
    optional(dir, "ip-rule.json")
        .ifPresent(text -> routingRules.addAll(IpRuleReader.read(text, name(dir, "ip-rule.json"), IpFamily.V4)));
    optional(dir, "ip6-rule.json")
        .ifPresent(text -> routingRules.addAll(IpRuleReader.read(text, name(dir, "ip6-rule.json"), IpFamily.V6)));

    Optional<UfwStatus> ufw = optional(dir, "ufw-status.txt")
        .map(text -> UfwStatusReader.read(text, name(dir, "ufw-status.txt")));

    // daemon.json's one reader: errors name the snapshot's copy, findings the host's file it copies.
    Optional<DaemonJsonKeys> daemonKeys = optional(dir, "daemon.json")
        .map(text -> DaemonJsonKeys.parse(text, name(dir, "daemon.json"), "/etc/docker/daemon.json"));
    Optional<DaemonConfig> daemon = daemonKeys.map(DaemonConfig::of);
    daemon.ifPresent(config -> notes.addAll(DaemonNotes.of(config)));

    HostSetup setup = setup(dir, daemonKeys);

    Ruleset ipv4 = joined(ipv4Parse);
    Optional<Ruleset> ipv6 = optional(dir, "ip6tables-save.txt")
        .map(text -> IptablesSaveParser.parse(text, IpFamily.V6, name(dir, "ip6tables-save.txt"), ipsets));
    if (ipv6.isEmpty()) {
      notes.add(NO_IP6TABLES_SAVE);
    }
    Optional<NftJsonReader.Parsed> nft = joined(nftParse);
    if (nft.isPresent()) {
      NftJsonReader.Parsed parsed = nft.get();
      ipv4 = withNft(ipv4, parsed, notes);
      ipv6 = ipv6.map(r -> withNft(r, parsed, notes));
    }

    String hostname = readHostname(dir);

    Optional<List<HostListener>> listeners = optional(dir, "ss-listening.txt")
        .map(text -> SsListeningReader.read(text, name(dir, "ss-listening.txt")));

    return new HostFacts(hostname, interfaces, routes, containers, ipv4, ipv6, ufw, daemon, notes, setup, listeners,
        routingRules);
  }

  /** The files that say how the firewall is put together, beside its rules. */
  private static HostSetup setup(Path dir, Optional<DaemonJsonKeys> daemonKeys) {
    Optional<String> driver = optional(dir, "docker-info.json")
        .flatMap(text -> DockerInfoReader.firewallDriver(text, name(dir, "docker-info.json")));
    Optional<UfwDefaults> ufwDefaults = optional(dir, "ufw-default")
        .map(text -> UfwDefaults.parse(text, name(dir, "ufw-default"), "/etc/default/ufw"));
    FirewalldSetup firewalld = FirewalldReader.read(
        optional(dir, "firewalld.conf"), name(dir, "firewalld.conf"),
        optional(dir, "firewall-cmd-state.txt"), name(dir, "firewall-cmd-state.txt"));
    return new HostSetup(driver, ufwDefaults, firewalld, hostConfig(dir, daemonKeys));
  }

  /**
   * daemon.json's keys with their lines, fail2ban's jails and the sysctls. Findings name a copied
   * file by the host path it copies (the copy keeps its lines; the fix is made on the host), and
   * sysctl.txt by its place in the snapshot. daemon.json's keys were read once, for DaemonConfig
   * and these findings alike.
   */
  private static HostConfig hostConfig(Path dir, Optional<DaemonJsonKeys> daemon) {
    List<JailConfig.JailFile> jails = new ArrayList<>();
    Path fail2ban = dir.resolve("fail2ban");
    for (String file : List.of("jail.conf", "jail.local")) {
      optional(fail2ban, file).ifPresent(text -> jails.add(new JailConfig.JailFile("/etc/fail2ban/" + file, text)));
    }
    for (Path dropIn : jailDropIns(fail2ban.resolve("jail.d"))) {
      optional(dropIn.getParent(), dropIn.getFileName().toString()).ifPresent(text -> jails.add(
          new JailConfig.JailFile("/etc/fail2ban/jail.d/" + dropIn.getFileName(), text)));
    }
    Optional<JailConfig> fail2banConfig = jails.isEmpty() ? Optional.empty()
        : Optional.of(JailConfig.parse(JailConfig.inMergeOrder(jails)));
    Optional<SysctlValues> sysctl = optional(dir, "sysctl.txt")
        .map(text -> SysctlValues.parse(text, name(dir, "sysctl.txt")));
    return new HostConfig(daemon, fail2banConfig, sysctl);
  }

  /** The {@code *.conf} and {@code *.local} files of {@code jail.d}, at most 200 (fail2ban reads them all). */
  private static List<Path> jailDropIns(Path jailD) {
    if (!Files.isDirectory(jailD)) {
      return List.of();
    }
    try (var files = Files.list(jailD)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".conf") || f.getFileName().toString().endsWith(".local"))
          .sorted().limit(200).toList();
    } catch (java.io.IOException e) {
      throw new BadInput(jailD + ": cannot list the directory: " + e.getMessage());
    }
  }

  /**
   * The host's name exactly as {@link #read} gives it: the first line of the {@code hostname}
   * file, else the directory's name. A fleet that reuses an equal snapshot's audit
   * ({@link SnapshotContent}) names the host by it.
   *
   * @throws BadInput when the {@code hostname} file cannot be read, as {@link #read} would
   */
  public static String readHostname(Path dir) {
    return optional(dir, "hostname").flatMap(SnapshotDirectory::firstLine).orElseGet(() -> directoryName(dir));
  }

  /**
   * The host's name as {@link #read} gives it (the {@code hostname} file, else the directory's
   * name), without reading anything else: a fleet names a snapshot that is bad input by it.
   * Never throws; an unreadable {@code hostname} file falls back to the directory's name.
   */
  public static String hostname(Path dir) {
    try {
      return readHostname(dir);
    } catch (BadInput unreadable) {
      return directoryName(dir);
    }
  }

  private static Optional<String> firstLine(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst();
  }

  private static String directoryName(Path dir) {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    return name == null ? "unknown" : name.toString();
  }

  private static <T> T joined(FutureTask<T> parse) {
    try {
      return parse.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while parsing the rulesets", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * The ruleset with the nft tables its family's packets pass (iptables-nft's own tables, which
   * the dump already has, left out), and a note for each table with parts the engine cannot know.
   */
  public static Ruleset withNft(Ruleset ruleset, NftJsonReader.Parsed parsed, List<String> notes) {
    List<NftTable> tables = NftJsonReader.read(parsed, ruleset.family(), ruleset.tables().keySet());
    Ruleset with = ruleset.withNftTables(tables);
    List<NftTable> noted = new java.util.ArrayList<>(with.nftTables());
    tables.stream().filter(t -> t.family() == dev.breakwater.netfilter.NftFamily.BRIDGE).forEach(noted::add);
    for (NftTable t : noted) {
      if (t.unknown().isEmpty()) {
        continue;
      }
      String note = "nft table " + t.label() + describe(t) + " has parts Breakwater cannot know ("
          + String.join("; ", t.unknown()) + "): answers that depend on them are \"possibly\"";
      if (!notes.contains(note)) {
        notes.add(note);
      }
    }
    return with;
  }

  private static String describe(NftTable table) {
    if (table.label().equals("inet firewalld")) {
      return " (firewalld)";
    }
    if (table.name().equals("docker-bridges")) {
      return " (Docker's nftables backend)";
    }
    return "";
  }

  private static String required(Path dir, String file, String producedBy) {
    return optional(dir, file).orElseThrow(() -> new BadInput(
        dir + ": missing " + file + " (produce it with: " + producedBy + " > " + dir.resolve(file) + ")"));
  }

  private static Optional<String> optional(Path dir, String file) {
    try {
      return Optional.of(BoundedText.read(dir.resolve(file), FILE_LIMITS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static String name(Path dir, String file) {
    return dir.resolve(file).toString();
  }
}
