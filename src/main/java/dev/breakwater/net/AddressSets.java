package dev.breakwater.net;

import inet.ipaddr.Address;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressSeqRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Set arithmetic over lists of prefixes, answered as minimal prefix lists sorted by address, IPv4
 * first (IPAddress does the per-range work).
 */
public final class AddressSets {
  private AddressSets() {}

  /** Minimal prefixes covering all of {@code a}; IPv4 first. */
  public static List<IPAddress> union(List<IPAddress> a) {
    List<IPAddress> out = new ArrayList<>();
    out.addAll(merge(a.stream().filter(IPAddress::isIPv4).toList()));
    out.addAll(merge(a.stream().filter(IPAddress::isIPv6).toList()));
    return out;
  }

  /** {@code a} without {@code b}: one sweep over both as sorted, disjoint ranges per family. */
  public static List<IPAddress> minus(List<IPAddress> a, List<IPAddress> b) {
    List<IPAddress> out = new ArrayList<>();
    for (boolean v4 : new boolean[] {true, false}) {
      IPAddressSeqRange[] from = ranges(a, v4);
      IPAddressSeqRange[] cuts = ranges(b, v4);
      int j = 0;
      for (IPAddressSeqRange range : from) {
        IPAddressSeqRange rest = range;
        while (j < cuts.length && cuts[j].getUpper().compareTo(rest.getLower()) < 0) {
          j++;
        }
        for (int k = j; rest != null && k < cuts.length && cuts[k].getLower().compareTo(rest.getUpper()) <= 0; k++) {
          IPAddressSeqRange[] pieces = rest.subtract(cuts[k]);
          rest = null;
          for (IPAddressSeqRange piece : pieces == null ? new IPAddressSeqRange[0] : pieces) {
            if (piece.getUpper().compareTo(cuts[k].getLower()) < 0) {
              out.addAll(Arrays.asList(piece.spanWithPrefixBlocks()));
            } else {
              rest = piece;
            }
          }
        }
        if (rest != null) {
          out.addAll(Arrays.asList(rest.spanWithPrefixBlocks()));
        }
      }
    }
    return union(out);
  }

  private static IPAddressSeqRange[] ranges(List<IPAddress> prefixes, boolean v4) {
    IPAddressSeqRange[] ranges = prefixes.stream()
        .filter(p -> p.isIPv4() == v4)
        .map(IPAddress::toSequentialRange)
        .toArray(IPAddressSeqRange[]::new);
    IPAddressSeqRange[] joined = IPAddressSeqRange.join(ranges);
    Arrays.sort(joined, (x, y) -> x.getLower().compareTo(y.getLower()));
    return joined;
  }

  public static List<IPAddress> intersect(List<IPAddress> a, List<IPAddress> b) {
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

  private static List<IPAddress> merge(List<IPAddress> sameFamily) {
    if (sameFamily.isEmpty()) {
      return List.of();
    }
    IPAddress first = sameFamily.get(0);
    IPAddress[] merged = first.mergeToPrefixBlocks(sameFamily.subList(1, sameFamily.size()).toArray(IPAddress[]::new));
    List<IPAddress> out = new ArrayList<>(Arrays.asList(merged));
    out.sort(Address.ADDRESS_LOW_VALUE_COMPARATOR);
    return out;
  }
}
