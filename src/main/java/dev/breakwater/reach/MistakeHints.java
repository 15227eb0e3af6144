package dev.breakwater.reach;

import dev.breakwater.net.PortRange;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.Target;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Recognises the well-known mistakes that explain why a port is (still) reachable. */
final class MistakeHints {
  /** Linux's default net.ipv4.ip_local_port_range, where containers' outbound connections start. */
  private static final PortRange EPHEMERAL = new PortRange(32768, 60999);

  private MistakeHints() {}

  /**
   * @param dockerUsesNftables Docker writes its rules with nftables ({@link
   *     dev.breakwater.host.HostFacts#dockerUsesNftables}): the place for a policy is then a table of
   *     one's own, not DOCKER-USER, which that backend never creates (as audit's DockerFilterSite says)
   */
  static List<Hint> of(HostNetwork net, RulesetIndex rules, Packet packet, WalkResult walk, boolean dockerUsesNftables) {
    List<Hint> hints = new ArrayList<>();
    boolean forwarded = walk.route().map(r -> r instanceof RouteDecision.Forward).orElse(false);
    dportAfterDnat(net, rules, packet, walk).ifPresent(hints::add);
    if (forwarded) {
      hints.addAll(inputRulesBypassed(rules, packet, walk, dockerUsesNftables));
      dropWithoutEstablished(rules).ifPresent(hints::add);
    }
    return hints;
  }

  /**
   * (a) {@code --dport N} (or {@code -d HOST}) in a FORWARD chain cannot match once DNAT changed
   * N (or HOST): the rule would match the connection as it was opened, not as FORWARD sees it.
   */
  private static Optional<Hint> dportAfterDnat(HostNetwork net, RulesetIndex rules, Packet packet, WalkResult walk) {
    if (walk.nat().isEmpty()) {
      return Optional.empty();
    }
    NatStep nat = walk.nat().get();
    int published = nat.fromPort();
    int translated = nat.toPort();
    boolean portChanged = published != translated;
    boolean addressChanged = !nat.fromAddress().equals(nat.toAddress());
    for (Map.Entry<ChainIndex, Integer> reached : sortedByName(walk.forwardChainsReached())) {
      ChainIndex chain = reached.getKey();
      for (int i : chain.candidates(packet.protocol().number(), published, published, nat.fromAddress())) {
        Rule rule = chain.rule(i);
        boolean testsPort = portChanged && mentionsDestinationPort(rule, published);
        boolean testsAddress = addressChanged && mentionsDestinationAddress(rule, nat.fromAddress());
        if (rule.position() > reached.getValue() || !(testsPort || testsAddress)) {
          continue;
        }
        if (Walk.wouldMatchInForward(net, rules, packet, walk, rule, nat.fromAddress(), published)
            && !Walk.wouldMatchInForward(net, rules, packet, walk, rule, nat.toAddress(), translated)) {
          return Optional.of(testsPort
              ? new Hint("dport-after-dnat", rule,
                  rule.citation() + " tests --dport " + published + ", but DNAT already changed the port to "
                      + translated + " before FORWARD, so it never matches this connection. Match the published"
                      + " port with -m conntrack --ctorigdstport " + published + " --ctdir ORIGINAL instead.")
              : new Hint("daddr-after-dnat", rule,
                  rule.citation() + " tests the destination " + nat.fromAddress() + ", but DNAT already changed it to "
                      + nat.toAddress() + " before FORWARD, so it never matches this connection. Match the address"
                      + " the connection was opened to with -m conntrack --ctorigdst " + nat.fromAddress()
                      + " --ctdir ORIGINAL instead."));
        }
      }
    }
    return Optional.empty();
  }

  private static boolean mentionsDestinationAddress(Rule rule, IPAddress address) {
    return rule.matches().stream().anyMatch(m -> m instanceof Match.Address a && !a.negated()
        && a.side() == Match.Side.DESTINATION && HostNetwork.block(a.prefix()).contains(address));
  }

  private static List<Map.Entry<ChainIndex, Integer>> sortedByName(Map<ChainIndex, Integer> map) {
    return map.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<ChainIndex, Integer> e) -> e.getKey().chain().table())
            .thenComparing(e -> e.getKey().chain().name()))
        .toList();
  }

  private static boolean mentionsDestinationPort(Rule rule, int port) {
    return rule.matches().stream().anyMatch(m -> m instanceof Match.Ports p && !p.negated()
        && p.field() != Match.PortField.SOURCE && p.ranges().stream().anyMatch(r -> r.contains(port)));
  }

  /** (b) the packet was forwarded, so INPUT and UFW rules for this port never saw it: one hint per rule. */
  private static List<Hint> inputRulesBypassed(RulesetIndex rules, Packet packet, WalkResult walk,
      boolean dockerUsesNftables) {
    Optional<dev.breakwater.netfilter.Table> filter = rules.ruleset().table(TableName.FILTER);
    if (filter.isEmpty()) {
      return List.of();
    }
    int port = packet.destinationPort();
    List<Chain> inputSide = filter.get().chains().values().stream()
        .filter(c -> c.name().equals("INPUT") || c.name().startsWith("ufw"))
        .filter(c -> !c.name().contains("forward") && !c.name().contains("output"))
        // UFW's own rules first: they are what the user wrote.
        .sorted(Comparator.comparingInt((Chain c) -> c.name().contains("user-input") ? 0 : c.name().equals("INPUT") ? 2 : 1))
        .toList();
    List<Hint> hints = new ArrayList<>();
    String where = walk.delivery().map(Delivery::describe).orElse("a container");
    // Docker's nftables backend has no DOCKER-USER ("In Docker's nftables implementation, there is
    // no DOCKER-USER chain", Docker docs firewall-nftables.md); one left behind by the iptables
    // backend filters only until the next reboot.
    String place = dockerUsesNftables
        ? " Put the policy in a table of your own at forward priority filter - 1, after a 'ct state"
            + " established,related accept' ('breakwater plan --policy FILE --backend nft' writes and proves it):"
            + " Docker's nftables backend has no DOCKER-USER chain."
        : " Put the policy in DOCKER-USER.";
    for (Chain chain : inputSide) {
      for (Rule rule : chain.rules()) {
        if (mentionsDestinationPort(rule, port)) {
          hints.add(new Hint("input-rules-bypassed", rule,
              "The connection was routed to " + where + " through FORWARD, so INPUT never saw it: "
                  + rule.citation() + " (" + rule.text() + ") is not on the path of published container ports."
                  + place));
        }
      }
    }
    return hints;
  }

  /** (c) a DROP on external input in DOCKER-USER with no ESTABLISHED,RELATED return before it. */
  static Optional<Hint> dropWithoutEstablished(RulesetIndex rules) {
    Optional<Chain> dockerUser = rules.ruleset().chain(TableName.FILTER, "DOCKER-USER");
    if (dockerUser.isEmpty()) {
      return Optional.empty();
    }
    for (Rule rule : dockerUser.get().rules()) {
      boolean letsRepliesBack = (rule.target() instanceof Target.Return || rule.target() instanceof Target.Accept)
          && rule.matches().stream().anyMatch(m -> m instanceof Match.ConnectionState s && !s.negated()
              && s.states().contains(Match.CtState.ESTABLISHED));
      if (letsRepliesBack) {
        return Optional.empty();
      }
      boolean drops = rule.target() instanceof Target.Drop || rule.target() instanceof Target.Reject;
      boolean onExternalInput = rule.matches().stream().anyMatch(m -> m instanceof Match.Interface i && i.inbound()
          && !i.negated() && !isDockerInterfacePattern(i.pattern()));
      boolean statefulAlready = rule.matches().stream().anyMatch(m -> m instanceof Match.ConnectionState
          || m instanceof Match.ConntrackDirection || m instanceof Match.OriginalPort);
      if (drops && onExternalInput && !statefulAlready && !spares(rule)) {
        return Optional.of(new Hint("drop-without-established", rule,
            rule.citation() + " drops on external input with no ESTABLISHED,RELATED return before it: it also drops"
                + " the replies to connections containers open to the outside. Insert first:"
                + " -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN"));
      }
    }
    return Optional.empty();
  }

  /**
   * Replies to containers' outbound connections arrive from anywhere at an ephemeral port: a drop
   * only for some sources (a ban list) or only for a service port does not break them.
   */
  private static boolean spares(Rule rule) {
    for (Match m : rule.matches()) {
      switch (m) {
        case Match.Address a when a.side() == Match.Side.SOURCE && !a.negated() -> {
          return true;
        }
        case Match.IpSet set when !set.negated() && set.flags().contains(Match.Side.SOURCE) -> {
          return true;
        }
        case Match.Ports p when !p.negated() && p.field() != Match.PortField.SOURCE
            && p.ranges().stream().noneMatch(r -> r.first() <= EPHEMERAL.last() && r.last() >= EPHEMERAL.first()) -> {
          return true;
        }
        default -> {}
      }
    }
    return false;
  }

  private static boolean isDockerInterfacePattern(String pattern) {
    return pattern.startsWith("docker") || pattern.startsWith("br-") || pattern.startsWith("veth");
  }
}
