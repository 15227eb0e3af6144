package dev.breakwater.netfilter;

import dev.breakwater.net.PortRange;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Set;

/**
 * One condition of a rule. A rule matches when all of its matches do. Every record here has
 * exact semantics that {@code reach} evaluates; anything else is {@link Unknown}, kept with its
 * text so that an answer depending on it can say "possibly" and name it.
 *
 * <p>Negation ({@code !}, written before or after the option) is the {@code negated} flag.
 */
public sealed interface Match {

  /** Which address or port of the packet a match looks at. */
  enum Side {
    SOURCE,
    DESTINATION
  }

  /** {@code -s} / {@code -d}: the address is a prefix (host bits zero). */
  record Address(Side side, IPAddress prefix, boolean negated) implements Match {}

  /**
   * {@code -i} / {@code -o}. A trailing {@code +} in {@code pattern} matches every interface
   * whose name starts with the part before it; {@code +} alone matches every interface.
   */
  record Interface(boolean inbound, String pattern, boolean negated) implements Match {
    public boolean matchesName(String name) {
      boolean hit = pattern.endsWith("+")
          ? name.startsWith(pattern.substring(0, pattern.length() - 1))
          : name.equals(pattern);
      return hit != negated;
    }
  }

  /**
   * {@code -p}: {@code number} is the IANA protocol number; {@code name} is as written
   * ({@code tcp}, {@code 6}, {@code ipv6-icmp}). {@code -p all} is not represented (it matches all).
   */
  record Protocol(int number, String name, boolean negated) implements Match {}

  /**
   * {@code --dport}/{@code --sport} of the tcp/udp/sctp modules, and multiport's
   * {@code --dports}/{@code --sports}/{@code --ports}; a packet matches if its port lies in any range.
   */
  record Ports(PortField field, List<PortRange> ranges, boolean negated) implements Match {
    public Ports {
      ranges = List.copyOf(ranges);
    }
  }

  /** {@code SOURCE}: --sport(s); {@code DESTINATION}: --dport(s); {@code EITHER}: multiport --ports. */
  enum PortField {
    SOURCE,
    DESTINATION,
    EITHER
  }

  /** {@code -m conntrack --ctstate} and {@code -m state --state}. */
  record ConnectionState(Set<CtState> states, boolean negated) implements Match {
    public ConnectionState {
      states = Set.copyOf(states);
    }
  }

  enum CtState {
    NEW,
    ESTABLISHED,
    RELATED,
    INVALID,
    UNTRACKED,
    SNAT,
    DNAT
  }

  /** {@code --ctorigsrc} / {@code --ctorigdst}: the address before any NAT. */
  record OriginalAddress(Side side, IPAddress prefix, boolean negated) implements Match {}

  /** {@code --ctorigsrcport} / {@code --ctorigdstport}: the port before any NAT. */
  record OriginalPort(Side side, PortRange range, boolean negated) implements Match {}

  /** {@code --ctdir ORIGINAL|REPLY}. A new inbound connection travels in the ORIGINAL direction. */
  record ConntrackDirection(boolean original) implements Match {}

  /** {@code -m addrtype --src-type/--dst-type [--limit-iface-in|out]}. */
  record AddressTypeMatch(Side side, Set<AddressType> types, boolean negated, LimitIface limit)
      implements Match {
    public AddressTypeMatch {
      types = Set.copyOf(types);
    }
  }

  /** The kernel's route types, as the addrtype module names them. */
  enum AddressType {
    UNSPEC,
    UNICAST,
    LOCAL,
    BROADCAST,
    ANYCAST,
    MULTICAST,
    BLACKHOLE,
    UNREACHABLE,
    PROHIBIT,
    THROW,
    NAT,
    XRESOLVE
  }

  /** addrtype's interface limit: look the address up only on the packet's in- or out-interface. */
  enum LimitIface {
    NONE,
    IN,
    OUT
  }

  /** {@code -m comment --comment "..."}: always matches; kept for citations. */
  record Comment(String text) implements Match {}

  /** {@code --tcp-flags MASK COMP} and {@code --syn} (= {@code SYN,RST,ACK,FIN SYN}). */
  record TcpFlags(Set<String> mask, Set<String> set, boolean negated) implements Match {
    public TcpFlags {
      mask = Set.copyOf(mask);
      set = Set.copyOf(set);
    }
  }

  /** {@code --icmp-type} / {@code --icmpv6-type}: never matches a TCP, UDP or SCTP packet. */
  record IcmpType(String type, boolean negated) implements Match {}

  /** {@code -f}: later fragments only; the first packet of a connection is never one. */
  record Fragment(boolean negated) implements Match {}

  /**
   * {@code -m set --match-set NAME src,dst}. {@code members} is the set's content when the
   * snapshot has it (ipset save), empty otherwise; an unresolved set makes answers "possibly".
   */
  record IpSet(String setName, List<Side> flags, boolean negated, java.util.Optional<List<IPAddress>> members)
      implements Match {
    public IpSet {
      flags = List.copyOf(flags);
      members = members.map(List::copyOf);
    }
  }

  /**
   * nft's sets: an anonymous set ({@code tcp dport { 80, 443 }}), a named one ({@code ip saddr
   * @allowed}) or a concatenation ({@code ip saddr . tcp dport { 198.51.100.7 . 22 }}), resolved to
   * its elements. Holds when all matches of some alternative hold; {@code negated} ({@code !=})
   * when none does. An empty list is an empty set.
   */
  record AnyOf(List<List<Match>> alternatives, boolean negated) implements Match {
    public AnyOf {
      alternatives = alternatives.stream().map(List::copyOf).toList();
    }
  }

  /** Which mark a {@link Mark} match or a {@link Target.SetMark} is about. */
  enum MarkKind {
    /** The packet's mark ({@code meta mark}, iptables {@code -m mark}): 0 on a packet from the wire. */
    PACKET,
    /** The connection's mark ({@code ct mark}, iptables {@code -m connmark}): 0 on a new connection. */
    CONNECTION
  }

  /** {@code meta mark & MASK == VALUE} / {@code ct mark ...}, {@code -m mark --mark VALUE/MASK}. */
  record Mark(MarkKind kind, long mask, long value, boolean negated) implements Match {}

  /**
   * The IPv6 extension headers a packet may carry. The first packet of a connection carries
   * whichever the sender puts in: the engine explores them as the sender's choice.
   * {@link #UPPER_LAYER} and {@link #NO_NEXT_HEADER} are ipv6header's {@code prot} and {@code none}.
   */
  enum HeaderKind {
    HOP_BY_HOP("a hop-by-hop options header"),
    DESTINATION_OPTIONS("a destination options header"),
    ROUTING("a routing header"),
    FRAGMENT("a fragment header"),
    AUTHENTICATION("an authentication header (AH)"),
    ESP("an ESP header"),
    UPPER_LAYER("an upper-layer header"),
    NO_NEXT_HEADER("no next header");

    private final String words;

    HeaderKind(String words) {
      this.words = words;
    }

    /** {@code a routing header}. */
    public String words() {
      return words;
    }
  }

  /** How an {@link ExtensionHeader} match tests the packet's headers. */
  enum HeaderTest {
    /**
     * rt, frag, hbh, dst, ah: the one header of {@code kinds} must be present (the kernel's match
     * returns false when ipv6_find_hdr finds none, whatever {@code !} says) and its fields must
     * satisfy {@code text}, the options as written ({@code !} inverts only those); empty text
     * tests presence alone.
     */
    FIELDS,
    /** ipv6header {@code --soft}: every header of {@code kinds} present. */
    ALL_PRESENT,
    /** ipv6header {@code --soft ! --header}: none of {@code kinds} present. */
    NONE_PRESENT,
    /** ipv6header without {@code --soft}: the packet's headers are exactly {@code kinds}. */
    EXACTLY,
    /** ipv6header {@code ! --header} without {@code --soft}: anything but exactly {@code kinds}. */
    NOT_EXACTLY
  }

  /**
   * A match on IPv6 extension headers ({@code -m rt/frag/hbh/dst/ah/esp/ipv6header}). What the
   * sender chooses: whether its packet carries each header, and the header's fields. So a
   * {@link HeaderTest#FIELDS} test is false for a packet without the header, and for one with it
   * as the sender likes (unless {@code text} is empty: then true).
   *
   * @param text the module's options as written, the key that tells one field test from another
   */
  record ExtensionHeader(HeaderTest test, Set<HeaderKind> kinds, String text) implements Match {
    public ExtensionHeader {
      kinds = Set.copyOf(kinds);
    }
  }

  /**
   * {@code -m ipv4options}: the IPv4 options of the packet, which the sender of a first packet
   * chooses. xtables-addons' xt_ipv4options (revision 1): the option numbers present
   * ({@code type & 0x1f}, NOP and END skipped) as a bit mask {@code opts}; then
   * {@code ((opts ^ invert) & map)} is non-zero ({@code any}) or equal to {@code map}. The old
   * patch-o-matic syntax ({@code --rr}, {@code --ts}, {@code --ra}, {@code --any-opt},
   * {@code --ssrr}, {@code --lsrr}, {@code --no-srr}) is read into the same form.
   *
   * @param text the module's options as written
   */
  record Ipv4Options(int map, int invert, boolean any, String text) implements Match {}

  /**
   * Anything not modelled exactly (limit, recent, hashlimit, mark, physdev, owner, a module never
   * seen): kept, never dropped. {@code text} is the option text as written.
   */
  record Unknown(String module, String text) implements Match {}
}
