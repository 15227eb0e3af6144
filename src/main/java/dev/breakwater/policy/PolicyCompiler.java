package dev.breakwater.policy;

import dev.breakwater.net.AddressSets;
import dev.breakwater.host.Container;
import dev.breakwater.host.HostFacts;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.host.Route;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.TableName;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles a policy for one host into the rules of the {@code BREAKWATER} chain. Pure: the same
 * facts and policy always give the same text.
 *
 * <p>Why these rules (see docs/policy.md and DESIGN.md): after Docker's DNAT in nat/PREROUTING a
 * packet in FORWARD carries the container's address and port, so the host port is matched with
 * {@code -m conntrack --ctorigdstport N --ctdir ORIGINAL}; RELATED,ESTABLISHED returns first, or
 * the replies to the containers' own outbound connections would be dropped.
 */
public final class PolicyCompiler {
  static final String ESTABLISHED = "-A " + CompiledPolicy.CHAIN + " -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN";

  private PolicyCompiler() {}

  public static CompiledPolicy compile(HostFacts facts, Policy policy) {
    return compile(facts, policy, FirewallBackend.IPTABLES);
  }

  /**
   * @param backend what the apply writes: the nft backend's {@code inet breakwater} table needs no
   *     DOCKER-USER (Docker's nftables backend has none), so a family is compiled whenever its
   *     rules were read
   */
  public static CompiledPolicy compile(HostFacts facts, Policy policy, FirewallBackend backend) {
    List<String> notes = new ArrayList<>();
    List<String> interfaces = externalInterfaces(facts, policy);
    List<ProtectedPort> ports = protectedPorts(facts, policy, notes);

    Map<IpFamily, List<String>> rules = new EnumMap<>(IpFamily.class);
    Map<String, SourceIpset> sets = new java.util.TreeMap<>();
    for (IpFamily family : IpFamily.values()) {
      Optional<Ruleset> ruleset = family == IpFamily.V4 ? Optional.of(facts.ipv4()) : facts.ipv6();
      boolean hasDockerUser = ruleset.flatMap(r -> r.chain(TableName.FILTER, "DOCKER-USER")).isPresent();
      boolean hasPorts = ports.stream().anyMatch(p -> p.family() == family);
      if (!hasDockerUser && !(backend == FirewallBackend.NFT && ruleset.isPresent())) {
        if (hasPorts) {
          notes.add(family.label() + ": no filter/DOCKER-USER chain in the " + (family == IpFamily.V4 ? "iptables" : "ip6tables")
              + " ruleset, so nothing is compiled for " + family.label() + " (is Docker running with "
              + (family == IpFamily.V4 ? "iptables" : "ip6tables") + " enabled? Docker before 27 does not create"
              + " DOCKER-USER in ip6tables even with ip6tables: true)");
        }
        continue;
      }
      rules.put(family, chainRules(family, ports, interfaces, policy, sets));
    }
    return new CompiledPolicy(interfaces, ports, rules, notes, List.copyOf(sets.values()), policy.defaultVerdict(), policy.denyAction());
  }

  /** The policy's interfaces, or the devices of the main table's default routes. */
  static List<String> externalInterfaces(HostFacts facts, Policy policy) {
    if (!policy.externalInterfaces().isEmpty()) {
      return policy.externalInterfaces();
    }
    LinkedHashSet<String> devices = new LinkedHashSet<>();
    for (Route route : facts.routes()) {
      // Only main's: a VPN's own table (wg-quick's 51820) has a default route too, for its marked traffic.
      if (route.isDefault() && route.inMain() && !route.device().isEmpty()) {
        devices.add(route.device());
      }
    }
    for (String device : devices) {
      if (!InterfaceNames.isValid(device)) {
        throw new PolicyException(policy.source() + ": the default route's device '" + device
            + "' is not a valid interface name; expected 'interfaces: [NAME]' in the policy");
      }
    }
    if (devices.isEmpty()) {
      throw new PolicyException(policy.source() + ": expected 'interfaces: [eth0]' in the policy: the host has no default route to tell which interfaces face outside");
    }
    return List.copyOf(devices);
  }

  static List<ProtectedPort> protectedPorts(HostFacts facts, Policy policy, List<String> notes) {
    Map<String, ProtectedPort> byEndpoint = new LinkedHashMap<>();
    for (Container container : facts.containers()) {
      String name = container.name().startsWith("/") ? container.name().substring(1) : container.name();
      if (container.hostNetwork()) {
        notes.add("container " + name + " uses the host network: its ports are local sockets (INPUT, UFW), not forwarded through DOCKER-USER, so this policy does not cover them");
        continue;
      }
      List<AllowRule> allows = new ArrayList<>(policy.allows());
      allows.addAll(ContainerLabels.allows(container, policy.labels(), notes));
      for (PublishedPort published : container.ports()) {
        IPAddress host = published.hostIp();
        if (host.isLoopback()) {
          continue; // not reachable from outside: Docker's DNAT matches only the loopback address
        }
        IpFamily family = IpFamily.of(host);
        Optional<IPAddress> bound = published.boundToAll() ? Optional.empty() : Optional.of(host.withoutPrefixLength());
        boolean any = false;
        List<IPAddress> prefixes = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        for (AllowRule allow : allows) {
          if (allow.covers(container, published)) {
            any |= allow.sources().any();
            prefixes.addAll(allow.sources().prefixes());
            origins.add(allow.origin());
          }
        }
        // Minimal CIDR blocks: the same sources in fewer rules (and fewer classes for the proof).
        Sources sources = any ? Sources.ANY : Sources.of(AddressSets.union(prefixes));
        if (origins.isEmpty() && policy.defaultVerdict() == Policy.Default.ALLOW) {
          sources = Sources.ANY;
          origins.add(policy.source() + ": default: allow");
        }
        ProtectedPort port = new ProtectedPort(name, family, bound, published.hostPort(), published.protocol(), sources, origins);
        byEndpoint.putIfAbsent(port.endpoint(), port);
      }
    }
    List<ProtectedPort> ports = new ArrayList<>(byEndpoint.values());
    ports.sort(Comparator.comparing((ProtectedPort p) -> p.family())
        .thenComparingInt(ProtectedPort::hostPort)
        .thenComparing(ProtectedPort::protocol)
        .thenComparing(p -> p.boundAddress().map(a -> a.toCanonicalString()).orElse("")));
    return ports;
  }

  static List<String> chainRules(
      IpFamily family, List<ProtectedPort> ports, List<String> interfaces, Policy policy, Map<String, SourceIpset> sets) {
    Policy.DenyAction action = policy.denyAction();
    boolean catchAll = policy.defaultVerdict() == Policy.Default.DENY;
    LinkedHashSet<String> rules = new LinkedHashSet<>();
    rules.add(ESTABLISHED);
    for (ProtectedPort port : ports) {
      if (port.family() != family) {
        continue;
      }
      String key = conntrackKey(port);
      if (port.allowed().any()) {
        if (catchAll) {
          // Returns before the catch-all below; without one, Docker's own chains accept it anyway.
          rules.add("-A " + CompiledPolicy.CHAIN + " -p " + port.protocol().label() + " -m conntrack" + key + " -j RETURN");
        }
        continue;
      }
      List<IPAddress> sources = port.allowed().of(family);
      if (sources.size() > policy.ipsetThreshold()) {
        SourceIpset set = SourceIpset.of(family, sources);
        sets.putIfAbsent(set.name(), set);
        rules.add("-A " + CompiledPolicy.CHAIN + " -p " + port.protocol().label() + " -m set --match-set " + set.name()
            + " src -m conntrack" + key + " -j RETURN");
        sources = List.of();
      }
      for (IPAddress source : sources) {
        rules.add("-A " + CompiledPolicy.CHAIN + " -s " + prefixText(source) + " -p " + port.protocol().label()
            + " -m conntrack" + key + " -j RETURN");
      }
      for (String iface : interfaces) {
        rules.add("-A " + CompiledPolicy.CHAIN + " -i " + iface + " -p " + port.protocol().label()
            + " -m conntrack --ctstate NEW" + key + " " + denyTarget(family, port.protocol(), action));
      }
    }
    if (catchAll) {
      // Default deny also covers ports published after this apply: any connection from outside
      // that Docker DNATs to a container on its bridges and no rule above let through. The
      // 'DNAT' conntrack state keeps other forwarded traffic (a VM, a VPN) untouched.
      for (String iface : interfaces) {
        for (String bridge : List.of("docker0", "br-+")) {
          rules.add("-A " + CompiledPolicy.CHAIN + " -i " + iface + " -o " + bridge + " -m conntrack --ctstate DNAT "
              + (action == Policy.DenyAction.DROP ? "-j DROP"
                  : "-j REJECT --reject-with " + (family == IpFamily.V4 ? "icmp-port-unreachable" : "icmp6-port-unreachable")));
        }
      }
    }
    return List.copyOf(rules);
  }

  /** Options in the order iptables-save prints them (conntrack's own order: ctorigdst, ctorigdstport, ctdir). */
  private static String conntrackKey(ProtectedPort port) {
    String dst = port.boundAddress().map(a -> " --ctorigdst " + a.withoutPrefixLength().toCompressedString()).orElse("");
    return dst + " --ctorigdstport " + port.hostPort() + " --ctdir ORIGINAL";
  }

  private static String denyTarget(IpFamily family, Transport protocol, Policy.DenyAction action) {
    if (action == Policy.DenyAction.DROP) {
      return "-j DROP";
    }
    if (protocol == Transport.TCP) {
      return "-j REJECT --reject-with tcp-reset";
    }
    return "-j REJECT --reject-with " + (family == IpFamily.V4 ? "icmp-port-unreachable" : "icmp6-port-unreachable");
  }

  /** {@code 203.0.113.0/24}, {@code 203.0.113.5/32}, {@code 2001:db8::/32}: iptables-save's form. */
  public static String prefixText(IPAddress prefix) {
    return prefix.getLower().withoutPrefixLength().toCompressedString() + "/" + prefix.getNetworkPrefixLength();
  }
}
