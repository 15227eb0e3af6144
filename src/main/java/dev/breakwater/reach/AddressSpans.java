package dev.breakwater.reach;

import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Set operations on lists of CIDRs, answered as minimal sorted CIDR lists (IPv4 first). */
final class AddressSpans {
  private AddressSpans() {}

  static List<IPAddress> union(List<IPAddress> prefixes) {
    return toPrefixBlocks(Span.merge(prefixes.stream().map(Span::of).toList()));
  }

  static List<IPAddress> minus(List<IPAddress> from, List<IPAddress> remove) {
    List<Span> rest = Span.merge(from.stream().map(Span::of).toList());
    for (Span r : Span.merge(remove.stream().map(Span::of).toList())) {
      List<Span> next = new ArrayList<>();
      for (Span s : rest) {
        if (s.family() != r.family() || r.high().compareTo(s.low()) < 0 || r.low().compareTo(s.high()) > 0) {
          next.add(s);
          continue;
        }
        if (s.low().compareTo(r.low()) < 0) {
          next.add(new Span(s.family(), s.low(), r.low().subtract(BigInteger.ONE)));
        }
        if (s.high().compareTo(r.high()) > 0) {
          next.add(new Span(s.family(), r.high().add(BigInteger.ONE), s.high()));
        }
      }
      rest = next;
    }
    return toPrefixBlocks(rest);
  }

  static List<IPAddress> toPrefixBlocks(List<Span> spans) {
    List<IPAddress> out = new ArrayList<>();
    for (Span s : Span.merge(spans)) {
      out.addAll(s.toPrefixBlocks());
    }
    return out;
  }
}
