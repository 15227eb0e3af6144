package dev.breakwater.reach;

import dev.breakwater.netfilter.Match.HeaderKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The IPv6 extension headers the sender put in its first packet, and which field tests of the
 * rules their fields satisfy: the sender picks both ({@link ChoiceSearch}).
 *
 * <p>Which headers a first packet may carry and still be answered, from the kernel's source:
 * <ul>
 *   <li>hop-by-hop and destination options ({@code ipv6_parse_hopopts}, {@code ipv6_destopt_rcv},
 *       net/ipv6/exthdrs.c): padding options are skipped, the SYN goes on to TCP;
 *   <li>a routing header with segments left 0 ({@code ipv6_rthdr_rcv}: at {@code looped_back} a
 *       header with {@code segments_left == 0} is stepped over for type 0 and unknown types; type
 *       0 with segments left is refused, RFC 5095): so the sender may send RH0 with segments left
 *       0, which UFW's {@code -m rt --rt-type 0 -j DROP} drops, or another type, which it does
 *       not;
 *   <li>a fragment header: an atomic fragment (offset 0, M=0, RFC 6946) is taken as a whole packet
 *       ({@code ipv6_frag_rcv}, net/ipv6/reassembly.c), and a first fragment followed by the rest
 *       is reassembled.
 * </ul>
 * AH and ESP are not a choice: without the host's IPsec keys a packet carrying them is dropped
 * by xfrm ({@code xfrm6_rcv} finds no state, or the integrity check fails), and ESP hides the
 * TCP header from {@code -p tcp} anyway.
 *
 * <p>For IPv4 the same choice is the options of the IP header ({@code ipv4Options}): a plain
 * connection carries none, but a sender may put in any option number. The kernel ignores an
 * option type it does not know on a received packet ({@code ip_options_compile}'s default case,
 * net/ipv4/ip_options.c, refuses it only for a locally built one), takes record-route, timestamp
 * and router-alert, and answers the SYN with the options echoed ({@code tcp_v4_save_options}).
 * Real source routing (LSRR 131, SSRR 137) is dropped in {@code ip_rcv_options} while
 * {@code accept_source_route} is 0 (the default for {@code conf/all}), but xt_ipv4options keys on
 * {@code type & 0x1f}, so option bytes 3 or 9 of another class still set those bits. Every
 * option number (0-31) is therefore the sender's to set, up to the 40 bytes the header holds.
 *
 * @param present the headers the packet carries
 * @param satisfied per header, the option texts of {@code Match.ExtensionHeader} field tests its
 *     fields satisfy, as {@link #key}; the others it does not
 * @param ipv4Options for IPv4, the option numbers present as xt_ipv4options sees them (bit n:
 *     an option with {@code type & 0x1f == n}); 0 for a plain packet
 */
public record ExtensionHeaders(Set<HeaderKind> present, Set<String> satisfied, int ipv4Options) {
  /** The plain packet: no extension header, no IPv4 option. */
  public static final ExtensionHeaders NONE = new ExtensionHeaders(Set.of(), Set.of());

  /** The key prefix of an {@code -m ipv4options} test in a walk's header tests. */
  static final String IPV4_TEST = "IPV4 ";
  /** At most 20 options fit in the 40 bytes of an IPv4 header's options (each 2 bytes or more). */
  static final int MAX_IPV4_OPTIONS = 20;

  /** IPv6 headers only. */
  public ExtensionHeaders(Set<HeaderKind> present, Set<String> satisfied) {
    this(present, satisfied, 0);
  }

  /** IPv4 options only. */
  static ExtensionHeaders ipv4(int options) {
    return options == 0 ? NONE : new ExtensionHeaders(Set.of(), Set.of(), options);
  }

  /** The key of an ipv4options test: its map and invert masks, which tell one test from another. */
  static String ipv4Key(dev.breakwater.netfilter.Match.Ipv4Options o) {
    return IPV4_TEST + Integer.toHexString(o.map()) + " " + Integer.toHexString(o.invert());
  }

  /** The headers a sender can put in a first packet that is still answered. */
  static final Set<HeaderKind> CHOOSABLE =
      EnumSet.of(HeaderKind.HOP_BY_HOP, HeaderKind.DESTINATION_OPTIONS, HeaderKind.ROUTING, HeaderKind.FRAGMENT);

  public ExtensionHeaders {
    present = present.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(present));
    satisfied = Set.copyOf(satisfied);
  }

  static String key(HeaderKind kind, String text) {
    return kind.name() + " " + text;
  }

  boolean satisfies(HeaderKind kind, String text) {
    return present.contains(kind) && (text.isEmpty() || satisfied.contains(key(kind, text)));
  }

  /**
   * {@code an IPv6 routing header whose fields match --rt-type 0}, {@code ... whose fields do not
   * match --rt-type 0}, or {@code no extension header}.
   *
   * @param tested the field tests (as {@link #key}) the rules on the way made
   */
  public String describe(Set<String> tested) {
    if (ipv4Options != 0) {
      List<String> numbers = new ArrayList<>();
      for (int n = 0; n < 32; n++) {
        if ((ipv4Options & (1 << n)) != 0) {
          numbers.add(Integer.toString(n));
        }
      }
      return "IPv4 option" + (numbers.size() == 1 ? " " : "s ") + String.join(",", numbers) + " (type & 0x1f)";
    }
    if (present.isEmpty()) {
      return tested.stream().anyMatch(t -> t.startsWith(IPV4_TEST)) ? "no IPv4 option" : "no extension header";
    }
    List<String> parts = new ArrayList<>();
    for (HeaderKind kind : EnumSet.copyOf(present)) {
      String prefix = kind.name() + " ";
      List<String> tests = new ArrayList<>();
      tested.stream().filter(t -> t.startsWith(prefix) && t.length() > prefix.length()).sorted().forEach(t ->
          tests.add((satisfied.contains(t) ? "match " : "do not match ") + t.substring(prefix.length())));
      String words = "an IPv6 " + kind.words().replaceFirst("^an? ", "");
      parts.add(tests.isEmpty() ? words : words + " whose fields " + String.join(" and ", tests));
    }
    return String.join(" and ", parts);
  }
}
