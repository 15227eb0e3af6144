package dev.breakwater.netfilter;

import dev.breakwater.net.PortRange;
import inet.ipaddr.IPAddress;
import java.util.Optional;

/** What a rule does when it matches. */
public sealed interface Target {

  /** Ends traversal of this table's hook with the packet accepted. */
  record Accept() implements Target {}

  record Drop() implements Target {}

  /** {@code --reject-with} as written, empty if absent. */
  record Reject(String with) implements Target {}

  /** Back to the calling chain; at the end of a built-in chain, the chain's policy applies. */
  record Return() implements Target {}

  /** {@code -j CHAIN}: a user chain; on RETURN or its end, continue after this rule. */
  record Jump(String chain) implements Target {}

  /** {@code -g CHAIN}: like a jump, but a RETURN goes back to the chain that jumped here. */
  record Goto(String chain) implements Target {}

  /**
   * {@code -j DNAT --to-destination first[-last][:port[-port]]}, nat table. Docker writes a
   * single address and port. {@code last} equals {@code first} when no range was given.
   */
  record Dnat(Optional<IPAddress> first, Optional<IPAddress> last, Optional<PortRange> ports, String text)
      implements Target {}

  /** {@code -j REDIRECT [--to-ports N[-M]]}: DNAT to the incoming interface's primary address. */
  record Redirect(Optional<PortRange> ports) implements Target {}

  /** SNAT and MASQUERADE: they change the source after routing, never the verdict of a new inbound. */
  record SourceNat(String name, String text) implements Target {}

  /**
   * Targets that do something (log, mark, set conntrack options) and then let the packet go on
   * to the next rule: LOG, NFLOG, ULOG, TRACE, MARK, CONNMARK, CT, AUDIT, CHECKSUM... and a rule
   * without {@code -j} (it only counts). {@code name} is empty for the latter.
   */
  record Continue(String name, String text) implements Target {}

  /**
   * Sets a mark and goes on: {@code new = (from & ~clear) ^ xor}. {@code meta mark set 0x1} is
   * from the packet mark with clear all-ones; {@code meta mark set meta mark | 0x2000} clears and
   * sets 0x2000; {@code ct mark set meta mark} copies ({@code from} the packet mark, nothing
   * cleared, nothing flipped). iptables' {@code MARK --set-xmark V/M} is clear M, xor V.
   */
  record SetMark(Match.MarkKind kind, Match.MarkKind from, long clear, long xor, String text) implements Target {}

  /**
   * {@code -j NETMAP --to PREFIX}: a prefix translation that keeps the host bits
   * (xt_NETMAP's netmap_tg4: {@code new = (old & ~mask) | (to & mask)}), of the destination in
   * PREROUTING and OUTPUT, of the source in POSTROUTING and INPUT.
   */
  record Netmap(IPAddress to, String text) implements Target {}

  /** A target never seen: may end traversal or not, so answers that reach it are "possibly". */
  record Unknown(String name, String text) implements Target {}
}
