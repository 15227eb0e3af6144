package dev.breakwater.policy;

import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Set arithmetic over lists of prefixes (IPAddress does the per-prefix work). */
final class AddressSets {
  private AddressSets() {}

  /** Minimal prefixes covering all of {@code a}; IPv4 first. */
  static List<IPAddress> union(List<IPAddress> a) {
    List<IPAddress> out = new ArrayList<>();
    out.addAll(merge(a.stream().filter(IPAddress::isIPv4).toList()));
    out.addAll(merge(a.stream().filter(IPAddress::isIPv6).toList()));
    return out;
  }

  static List<IPAddress> minus(List<IPAddress> a, List<IPAddress> b) {
    List<IPAddress> rest = new ArrayList<>(union(a));
    for (IPAddress cut : b) {
      List<IPAddress> next = new ArrayList<>();
      for (IPAddress piece : rest) {
        if (piece.getIPVersion() != cut.getIPVersion()) {
          next.add(piece);
          continue;
        }
        IPAddress[] left = piece.subtract(cut);
        if (left != null) {
          next.addAll(Arrays.asList(left));
        }
      }
      rest = next;
    }
    return union(rest.stream().flatMap(p -> Arrays.stream(p.spanWithPrefixBlocks())).toList());
  }

  static List<IPAddress> intersect(List<IPAddress> a, List<IPAddress> b) {
    List<IPAddress> out = new ArrayList<>();
    for (IPAddress x : a) {
      for (IPAddress y : b) {
        if (x.getIPVersion() == y.getIPVersion()) {
          IPAddress both = x.intersect(y);
          if (both != null) {
            out.add(both);
          }
        }
      }
    }
    return union(out.stream().flatMap(p -> Arrays.stream(p.spanWithPrefixBlocks())).toList());
  }

  static String text(List<IPAddress> prefixes) {
    return prefixes.isEmpty() ? "nobody" : String.join(", ", prefixes.stream().map(PolicyCompiler::prefixText).toList());
  }

  private static List<IPAddress> merge(List<IPAddress> sameFamily) {
    if (sameFamily.isEmpty()) {
      return List.of();
    }
    IPAddress first = sameFamily.get(0);
    IPAddress[] merged = first.mergeToPrefixBlocks(sameFamily.subList(1, sameFamily.size()).toArray(IPAddress[]::new));
    List<IPAddress> out = new ArrayList<>(Arrays.asList(merged));
    out.sort(Comparator.naturalOrder());
    return out;
  }
}
