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
 * @param present the headers the packet carries
 * @param satisfied per header, the option texts of {@code Match.ExtensionHeader} field tests its
 *     fields satisfy, as {@link #key}; the others it does not
 */
public record ExtensionHeaders(Set<HeaderKind> present, Set<String> satisfied) {
  /** The plain packet: no extension header. */
  public static final ExtensionHeaders NONE = new ExtensionHeaders(Set.of(), Set.of());

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
    if (present.isEmpty()) {
      return "no extension header";
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
