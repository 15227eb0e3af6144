package dev.breakwater.reach;

import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.UnseenTable;
import inet.ipaddr.IPAddress;

/**
 * What an answer of the engine cannot show by itself, said to the user. Typed so that consumers
 * decide by case (the audit drops the IPv6 note a snapshot already gave) rather than by looking
 * for words in the text; {@link #text()} is the one wording users read.
 *
 * <p>{@link PortReach#notes()} carries the per-port cases; {@link Reachability#notes()} the
 * host-wide ones ({@link HostNetworkContainer}, {@link NoIp6tablesDump}, {@link UnseenRules}).
 */
public sealed interface ReachNote {

  /** The sentence shown to the user. */
  String text();

  /** Per port: a container with {@code network_mode: host} publishes nothing through Docker. */
  record HostNetworking() implements ReachNote {
    @Override
    public String text() {
      return "network_mode: host: the service listens on the host itself; INPUT (UFW) decides, not Docker's rules";
    }
  }

  /** Per port: nothing but loopback and Docker's interfaces, so no trace from outside exists. */
  record NoExternalInterface() implements ReachNote {
    @Override
    public String text() {
      return "no external interface in the host's addresses (only loopback and Docker's)";
    }
  }

  /** Per port: an IPv6 port on a host whose ip6tables rules were not captured. */
  record Ipv6FirewallUnknown() implements ReachNote {
    @Override
    public String text() {
      return Reachability.NO_IP6TABLES_DUMP + ": the IPv6 firewall is unknown";
    }
  }

  /** Per port: published through Swarm's routing mesh, so every node answers, not only this one. */
  record SwarmIngress() implements ReachNote {
    @Override
    public String text() {
      return "published through Swarm's routing mesh (nat/DOCKER-INGRESS): traffic goes to the ingress sandbox on"
          + " docker_gwbridge, and every node of the swarm answers on this port";
    }
  }

  /**
   * Per port: bound to an address routers never send to, yet a neighbour on the link that
   * addresses it by hand is let in (Docker before 28, moby#45610).
   *
   * @param link the ingress's link prefix, or the neighbour's address when the prefix is unknown
   * @param decision the deciding step of the neighbour's trace, in words
   * @param why what lets it in ({@code Docker 28 drops these in raw PREROUTING}, or the
   *     route_localnet setting that routes 127.0.0.0/8 to a socket of the host)
   */
  record NeighbourSendsDirectly(String ingress, String link, IPAddress bound, Verdict verdict, String decision, String why)
      implements ReachNote {
    static final String DOCKER = "Docker 28 drops these in raw PREROUTING";

    @Override
    public String text() {
      return "a neighbour on " + ingress + "'s link (" + link + ") that sends to " + bound + " directly is "
          + verdict.label() + ": " + decision + " (" + why + ")";
    }
  }

  /** Per port: bound to a loopback or Docker-side address that only the host can connect to. */
  record HostOnlyBinding(IPAddress bound) implements ReachNote {
    @Override
    public String text() {
      return "bound to " + bound + ": only the host itself and its containers can connect";
    }
  }

  /** Host-wide: a container on the host network, whose ports are host sockets. */
  record HostNetworkContainer(String container) implements ReachNote {
    @Override
    public String text() {
      return "container " + container + " uses network_mode: host: its ports are host sockets, filtered by INPUT"
          + " (UFW applies) and not by Docker's publishing rules";
    }
  }

  /**
   * Host-wide: a table whose rules exist but are not (all) in the dump; answers that go through it
   * are "possibly" where it could change them.
   */
  record UnseenRules(IpFamily family, UnseenTable unseen) implements ReachNote {
    @Override
    public String text() {
      return family.label() + ": " + unseen.text() + "; answers it could change are \"possibly reachable\"";
    }
  }

  /**
   * Per port and host-wide: a DOCKER-USER chain that no rule reached from FORWARD jumps to (Docker
   * writes {@code -I FORWARD -j DOCKER-USER} when it starts; a flush or a hand-written ruleset
   * loses it). Its rules filter nothing.
   *
   * @param line the chain's declaration line
   * @param rules how many rules it holds
   */
  record DockerUserNotJumped(IpFamily family, String source, int line, int rules) implements ReachNote {
    @Override
    public String text() {
      return family.label() + ": filter/DOCKER-USER (" + source + ":" + line + ") is not jumped to from FORWARD, so its "
          + rules + " rule" + (rules == 1 ? "" : "s") + " filter nothing; Docker writes '-I FORWARD -j DOCKER-USER'"
          + " when it starts";
    }
  }

  /** Host-wide: no ip6tables rules were captured, so no IPv6 answer is certain. */
  record NoIp6tablesDump() implements ReachNote {
    @Override
    public String text() {
      return Reachability.NO_IP6TABLES_DUMP + ": IPv6 answers are \"possibly reachable\"";
    }
  }
}
