package dev.breakwater.reach;

import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An inclusive range of addresses of one family, as integers: the unit of source splitting. */
record Span(IpFamily family, BigInteger low, BigInteger high) implements Comparable<Span> {

  static final BigInteger V4_MAX = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
  static final BigInteger V6_MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  static Span all(IpFamily family) {
    return new Span(family, BigInteger.ZERO, family == IpFamily.V4 ? V4_MAX : V6_MAX);
  }

  /** The addresses a prefix (or a single address) covers. */
  static Span of(IPAddress prefixOrAddress) {
    IPAddress block = prefixOrAddress.getNetworkPrefixLength() == null
        ? prefixOrAddress
        : prefixOrAddress.toPrefixBlock();
    return new Span(IpFamily.of(block), block.getValue(), block.getUpperValue());
  }

  static IPAddress address(IpFamily family, BigInteger value) {
    return family == IpFamily.V4 ? new IPv4Address(value.intValue()) : new IPv6Address(value);
  }

  IPAddress lowAddress() {
    return address(family, low);
  }

  boolean contains(BigInteger value) {
    return low.compareTo(value) <= 0 && value.compareTo(high) <= 0;
  }

  /** Minimal CIDR blocks covering exactly this span. */
  List<IPAddress> toPrefixBlocks() {
    IPAddress[] blocks = address(family, low).spanWithRange(address(family, high)).spanWithPrefixBlocks();
    return Arrays.asList(blocks);
  }

  @Override
  public int compareTo(Span o) {
    if (family != o.family) {
      return family.compareTo(o.family);
    }
    int c = low.compareTo(o.low);
    return c != 0 ? c : high.compareTo(o.high);
  }

  /** Sorted, with overlapping and adjacent spans joined. */
  static List<Span> merge(List<Span> spans) {
    List<Span> sorted = new ArrayList<>(spans);
    sorted.sort(null);
    List<Span> out = new ArrayList<>();
    for (Span s : sorted) {
      if (!out.isEmpty()) {
        Span last = out.get(out.size() - 1);
        if (last.family == s.family && last.high.add(BigInteger.ONE).compareTo(s.low) >= 0) {
          out.set(out.size() - 1, new Span(s.family, last.low, last.high.max(s.high)));
          continue;
        }
      }
      out.add(s);
    }
    return out;
  }
}
