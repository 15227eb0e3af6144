package dev.breakwater.reach;

import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;

/** Spans back to minimal sorted CIDR lists (IPv4 first); set operations are net.AddressSets'. */
final class AddressSpans {
  private AddressSpans() {}

  static List<IPAddress> toPrefixBlocks(List<Span> spans) {
    List<IPAddress> out = new ArrayList<>();
    for (Span s : Span.merge(spans)) {
      out.addAll(s.toPrefixBlocks());
    }
    return out;
  }
}
