package dev.breakwater.gather;

import dev.breakwater.problem.EnvironmentProblem;

import dev.breakwater.system.CommandRunner;
import dev.breakwater.docker.DockerClient;
import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IpsetSaveParser;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.system.CommandFailed;
import dev.breakwater.system.NetfilterTools;
import dev.breakwater.system.PendingRead;
import dev.breakwater.system.NetworkNamespace;
import java.io.PrintWriter;
import java.nio.file.Path;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host facts plan and apply work on: a snapshot directory (or the live host), with the
 * rulesets read from the firewall that will be changed when there is one, so that the plan and
 * its proof are about the rules really in force.
 */
public final class PolicyFacts {
  private PolicyFacts() {}

  private static HostFacts gatherInNamespace(NetworkNamespace netns, PrintWriter err) {
    return Facts.fromLiveHost(new LiveGatherer(CommandRunner.in(netns), DockerClient.fromEnvironment(),
        Path.of("/etc/docker/daemon.json")), err);
  }

  public static HostFacts read(Path from, Optional<NetfilterTools> liveFirewall, PrintWriter err) {
    return read(from, Optional.empty(), liveFirewall, err);
  }

  /**
   * With {@code netns} and no snapshot, the live facts are gathered inside that network
   * namespace (its interfaces, routes and rules; containers from {@code DOCKER_HOST}): a lab host.
   */
  public static HostFacts read(Path from, Optional<NetworkNamespace> netns, Optional<NetfilterTools> liveFirewall, PrintWriter err) {
    if (from == null) {
      // The live host, read once: the gathered snapshot already holds the rules in force (every
      // table of both families, and the sets its rules match), so they are not read again.
      return netns.isPresent() ? gatherInNamespace(netns.get(), err) : Facts.fromLiveHost(err);
    }
    HostFacts facts = SnapshotDirectory.read(from);
    if (liveFirewall.isEmpty()) {
      return facts;
    }
    NetfilterTools firewall = liveFirewall.get();
    // Four independent reads, run at once (each command's start-up, and nsenter's, was waited out
    // in turn); their results are taken in the order, and with the errors, of a sequential read.
    PendingRead<Optional<String>> ipsetText = PendingRead.start("ipset-save", firewall::ipsetSave);
    PendingRead<String> ipv4Text = PendingRead.start("iptables-save", () -> firewall.saveAll(IpFamily.V4));
    PendingRead<String> ipv6Text = PendingRead.start("ip6tables-save", () -> firewall.saveAll(IpFamily.V6));
    PendingRead<Optional<String>> nftText = PendingRead.start("nft-list", firewall::nftRuleset);
    // The members of the sets the rules match (Breakwater's own for large allow lists), so that
    // the proof's "before" is exact for them too.
    Map<String, List<IPAddress>> sets = ipsetText.get().map(text -> IpsetSaveParser.parse(text, "ipset save (live)")).orElse(Map.of());
    Ruleset ipv4;
    try {
      ipv4 = IptablesSaveParser.parse(ipv4Text.get(), IpFamily.V4, "iptables-save (live)", sets);
    } catch (CommandFailed e) {
      throw new EnvironmentProblem("cannot read the live IPv4 firewall: " + e.getMessage() + " (run as root?)");
    }
    Optional<Ruleset> ipv6;
    try {
      Ruleset r = IptablesSaveParser.parse(ipv6Text.get(), IpFamily.V6, "ip6tables-save (live)", sets);
      ipv6 = r.table(TableName.FILTER).isPresent() ? Optional.of(r) : Optional.empty();
    } catch (CommandFailed e) {
      ipv6 = Optional.empty();
    }
    // The nft tables too (Docker 29's nftables backend, firewalld): optional, nft may be missing.
    return withLiveRules(facts, ipv4, ipv6, nftText.get());
  }

  /**
   * The snapshot's facts with the rulesets read from the live firewall. Everything else the
   * snapshot says is kept: Docker's firewall driver ({@link HostFacts#setup}), which {@code
   * --backend auto} decides by, and the host's listeners.
   */
  static HostFacts withLiveRules(HostFacts facts, Ruleset liveIpv4, Optional<Ruleset> liveIpv6, Optional<String> nft) {
    Ruleset ipv4 = liveIpv4;
    Optional<Ruleset> ipv6 = liveIpv6;
    List<String> notes = new java.util.ArrayList<>(facts.notes().stream().filter(n -> !n.startsWith("nft table ")).toList());
    if (nft.isPresent()) {
      // Parsed once for both families.
      dev.breakwater.snapshot.NftJsonReader.Parsed parsed =
          dev.breakwater.snapshot.NftJsonReader.parse(nft.get(), "nft -j list ruleset (live)");
      ipv4 = SnapshotDirectory.withNft(ipv4, parsed, notes);
      ipv6 = ipv6.map(r -> SnapshotDirectory.withNft(r, parsed, notes));
    }
    return new HostFacts(facts.hostname(), facts.interfaces(), facts.routes(), facts.containers(), ipv4, ipv6,
        facts.ufw(), facts.daemon(), notes, facts.setup(), facts.listeners(), facts.routingRules());
  }
}
