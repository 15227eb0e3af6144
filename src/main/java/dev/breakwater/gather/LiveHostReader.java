package dev.breakwater.gather;


import dev.breakwater.system.CommandRunner;
import dev.breakwater.docker.DockerApiException;
import dev.breakwater.host.Container;
import dev.breakwater.docker.DockerClient;
import dev.breakwater.snapshot.DockerInspectReader;
import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.IpAddrReader;
import dev.breakwater.snapshot.IpRouteReader;
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
 * policy names no interfaces. The reads run in parallel; a check is on the latency path of every
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
    PendingRead<List<Route>> routes = PendingRead.start("ip-route", () -> needsRoutes || forProof ? routes() : List.of());
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
      return new HostFacts(hostname, interfaces.get(), routes.get(), containers, ipv4, ipv6, Optional.empty(), Optional.empty(), notes);
    } finally {
      // Every read has ended when this returns or throws: no command outlives the check.
      List.of(v4, v6, routes, interfaces, nft).forEach(PendingRead::join);
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

  private List<Route> routes() {
    List<Route> routes = new ArrayList<>();
    routes.addAll(IpRouteReader.read(run(List.of("ip", "-j", "route", "show")), "ip -j route (live)", IpFamily.V4));
    try {
      routes.addAll(IpRouteReader.read(run(List.of("ip", "-6", "-j", "route", "show")), "ip -6 -j route (live)", IpFamily.V6));
    } catch (IllegalStateException e) {
      // IPv6 disabled on this host: its default route cannot name an interface either.
    }
    return routes;
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
