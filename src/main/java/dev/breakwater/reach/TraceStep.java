package dev.breakwater.reach;

import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;

/** One thing that happened to the packet, in order. */
public sealed interface TraceStep {

  /** Human-readable one-liner. */
  String describe();

  /** A rule that matched (jumps and non-terminating targets included). */
  record RuleMatched(String hook, Rule rule) implements TraceStep {
    @Override
    public String describe() {
      return hook + ": " + rule.citation() + ": " + rule.text();
    }
  }

  /** The packet fell off the end of a built-in (base) chain or RETURNed from it; {@code table} is its label. */
  record PolicyApplied(String hook, String table, String chain, Chain.Policy policy) implements TraceStep {
    @Override
    public String describe() {
      return hook + ": " + table + "/" + chain + " policy " + policy;
    }
  }

  /**
   * The answer to the delivered first packet begins: the listener's SYN-ACK (for TCP) or its
   * datagram (UDP), an ESTABLISHED packet of the same connection, from {@code from} (the
   * container's or host's address and port, NAT not yet undone) to the client. The steps after it
   * are the answer's ({@code answer FORWARD: ...}).
   *
   * @param where {@code arriving on docker0}, or {@code from a host socket}
   */
  record Answer(Transport protocol, IPAddress from, int fromPort, IPAddress to, int toPort, String where)
      implements TraceStep {
    @Override
    public String describe() {
      return "answer: " + protocol.label() + " " + Delivery.endpoint(from, fromPort) + " -> " + Delivery.endpoint(to, toPort)
          + (protocol == Transport.TCP ? " (SYN-ACK, ctstate ESTABLISHED), " : " (ctstate ESTABLISHED), ") + where;
    }
  }

  /** The routing decision after PREROUTING. */
  record Routed(String decision) implements TraceStep {
    @Override
    public String describe() {
      return "routing: " + decision;
    }
  }
}
