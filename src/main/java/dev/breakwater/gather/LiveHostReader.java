package dev.breakwater.gather;


import dev.breakwater.system.CommandRunner;
import dev.breakwater.docker.DockerApiException;
import dev.breakwater.host.Container;
import dev.breakwater.docker.DockerClient;
import dev.breakwater.snapshot.DockerInspectReader;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.FirewalldSetup;
import dev.breakwater.host.HostSetup;
import dev.breakwater.hostconf.HostConfig;
import dev.breakwater.hostconf.SysctlValues;
import dev.breakwater.host.RoutingRule;
import dev.breakwater.snapshot.IpAddrReader;
import dev.breakwater.snapshot.IpRouteReader;
import dev.breakwater.snapshot.IpRuleReader;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.host.Route;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.system.CommandFailed;
import dev.breakwater.snapshot.NftJsonReader;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.PendingRead;
import dev.breakwater.policy.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * Reads the live host for a check, with the same readers as {@code snapshot} and {@code apply}
 * (Docker's inspect objects through {@link DockerInspectReader}, {@code iptables-save} through
 * the parser, {@code ip -j route} through {@link IpRouteReader}) but only what the compiler needs
 * and without a snapshot directory: the containers, the filter tables, and the routes when the
 * policy names no interfaces; for the proof ({@link #readWhole}) every table, the addresses, the
 * routes of every routing table, the rules of {@code ip rule} and the sysctls, as the snapshot has them. The reads run in parallel; a check is on the latency path of every
 * container start.
 */
public final class LiveHostReader implements HostReader {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final DockerClient docker;
  private final NetfilterTools firewall;
  private final CommandRunner commands;
  private final boolean needsRoutes;
  private final String hostname;
  private final InspectCache<Container> inspected = new InspectCache<>();

  /** {@code ip} runs in the namespace of {@code firewall}, through its runner: one namespace for both. */
  public LiveHostReader(DockerClient docker, NetfilterTools firewall, Policy policy, String hostname) {
    this.docker = docker;
    this.firewall = firewall;
    this.commands = firewall.runner();
    this.needsRoutes = policy.externalInterfaces().isEmpty();
    this.hostname = hostname;
  }

  /** The containers, the filter tables and (when needed) the routes. */
  @Override
  public HostFacts read() {
    return read(false);
  }

  @Override
  public HostFacts readContainers(HostFacts previous) {
    return new HostFacts(previous.hostname(), previous.interfaces(), previous.routes(), containers(), previous.ipv4(),
        previous.ipv6(), previous.ufw(), previous.daemon(), previous.notes(), previous.setup(), previous.listeners(),
        previous.routingRules());
  }

  /**
   * Everything the reach engine needs to prove a plan: every table, the addresses and the
   * routes, all read in parallel with the containers.
   */
  @Override
  public HostFacts readWhole() {
    return read(true);
  }

  private HostFacts read(boolean forProof) {
    PendingRead<String> v4 = PendingRead.start("iptables-save", () -> save(IpFamily.V4, forProof));
    PendingRead<Optional<String>> v6 = PendingRead.start("ip6tables-save", () -> saveIfPossible(IpFamily.V6, forProof));
    PendingRead<List<Route>> routes = PendingRead.start("ip-route",
        () -> forProof ? routes(LiveGatherer.ROUTES_V4, LiveGatherer.ROUTES_V6)
            : needsRoutes ? routes(MAIN_ROUTES_V4, MAIN_ROUTES_V6) : List.<Route>of());
    PendingRead<List<RoutingRule>> rules = PendingRead.start("ip-rule", () -> forProof ? rules() : List.<RoutingRule>of());
    PendingRead<HostSetup> setup = PendingRead.start("sysctl", () -> forProof ? sysctls() : HostSetup.UNKNOWN);
    PendingRead<List<NetworkInterface>> interfaces = PendingRead.start("ip-addr",
        () -> forProof ? interfaces() : List.<NetworkInterface>of());
    PendingRead<Optional<String>> nft = PendingRead.start("nft-list", firewall::nftRuleset);
    try {
      List<Container> containers = containers();
      List<String> notes = new ArrayList<>();
      // Parsed once for both families.
      Optional<NftJsonReader.Parsed> nftText = nft.get().map(text -> NftJsonReader.parse(text, "nft -j list ruleset (live)"));
      Ruleset ipv4 = withNft(IptablesSaveParser.parse(v4.get(), IpFamily.V4, "iptables-save (live)"), nftText, notes);
      Optional<Ruleset> ipv6 = v6.get()
          .map(text -> IptablesSaveParser.parse(text, IpFamily.V6, "ip6tables-save (live)"))
          .filter(r -> r.table(TableName.FILTER).isPresent())
          .map(r -> withNft(r, nftText, notes));
      return new HostFacts(hostname, interfaces.get(), routes.get(), containers, ipv4, ipv6, Optional.empty(), Optional.empty(),
          notes, setup.get(), Optional.empty(), rules.get());
    } finally {
      // Every read has ended when this returns or throws: no command outlives the check.
      List.of(v4, v6, routes, rules, setup, interfaces, nft).forEach(PendingRead::join);
    }
  }

  /** The nft tables beside iptables' (Docker 29's nftables backend, firewalld), when nft is there. */
  private static Ruleset withNft(Ruleset ruleset, Optional<NftJsonReader.Parsed> nft, List<String> notes) {
    return nft.map(parsed -> SnapshotDirectory.withNft(ruleset, parsed, notes)).orElse(ruleset);
  }

  private List<Container> containers() {
    return inspected.refresh(docker.listContainers(false), this::inspect);
  }

  /** One container's inspect object, read as {@code snapshot} reads {@code docker-inspect.json}. */
  private Optional<Container> inspect(String id) {
    try {
      ArrayNode one = JSON.createArrayNode().add(docker.inspect(id));
      return DockerInspectReader.read(JSON.writeValueAsString(one), "docker inspect " + id + " (live)").stream().findFirst();
    } catch (DockerApiException e) {
      // Removed between list and inspect: docker inspect would also skip it.
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private String save(IpFamily family, boolean all) {
    return all ? firewall.saveAll(family) : firewall.saveFilter(family);
  }

  private Optional<String> saveIfPossible(IpFamily family, boolean all) {
    try {
      return Optional.of(save(family, all));
    } catch (CommandFailed e) {
      return Optional.empty(); // no ip6tables: IPv6 is left alone, as apply does
    }
  }

  /** The main table alone: all the compiler needs (the default routes' devices). */
  private static final List<String> MAIN_ROUTES_V4 = List.of("ip", "-4", "-j", "route", "show");
  private static final List<String> MAIN_ROUTES_V6 = List.of("ip", "-6", "-j", "route", "show");

  /**
   * The routes {@code v4} and {@code v6} print: main's for the compiler, every table's for the
   * proof (a rule of {@code ip rule} may look up any of them), as {@code snapshot} reads them.
   */
  private List<Route> routes(List<String> v4, List<String> v6) {
    List<Route> routes = new ArrayList<>(IpRouteReader.read(run(v4), String.join(" ", v4) + " (live)", IpFamily.V4));
    try {
      routes.addAll(IpRouteReader.read(run(v6), String.join(" ", v6) + " (live)", IpFamily.V6));
    } catch (IllegalStateException e) {
      // IPv6 disabled on this host: its default route cannot name an interface either.
    }
    return routes;
  }

  /** For the proof, the policy-routing rules of both families, as {@code snapshot} reads them (ip-rule.json). */
  private List<RoutingRule> rules() {
    List<RoutingRule> rules = new ArrayList<>(IpRuleReader.read(run(LiveGatherer.RULES_V4),
        String.join(" ", LiveGatherer.RULES_V4) + " (live)", IpFamily.V4));
    try {
      rules.addAll(IpRuleReader.read(run(LiveGatherer.RULES_V6), String.join(" ", LiveGatherer.RULES_V6) + " (live)",
          IpFamily.V6));
    } catch (IllegalStateException e) {
      // IPv6 disabled: the engine reads no IPv6 rules as the kernel's defaults.
    }
    return rules;
  }

  /**
   * For the proof, the sysctls the engine reads (rp_filter, route_localnet, forwarding, ...), as
   * {@code snapshot} writes sysctl.txt; without sysctl the engine takes what it does for a snapshot
   * without the file.
   */
  private HostSetup sysctls() {
    CommandRunner.Result result = commands.run(LiveGatherer.SYSCTL, COMMAND_TIMEOUT);
    if (!result.ok()) {
      return HostSetup.UNKNOWN;
    }
    HostConfig config = new HostConfig(Optional.empty(), Optional.empty(),
        Optional.of(SysctlValues.parse(result.stdout(), "sysctl -a (live)")));
    return new HostSetup(Optional.empty(), Optional.empty(), FirewalldSetup.UNKNOWN, config);
  }

  private List<NetworkInterface> interfaces() {
    return IpAddrReader.read(run(List.of("ip", "-j", "addr", "show")), "ip -j addr (live)");
  }

  private String run(List<String> argv) {
    CommandRunner.Result result = commands.run(argv, COMMAND_TIMEOUT);
    if (!result.ok()) {
      throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + result.exitCode() + "): " + result.stderr().strip());
    }
    return result.stdout();
  }

}
