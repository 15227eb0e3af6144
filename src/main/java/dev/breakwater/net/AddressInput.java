package dev.breakwater.net;

import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4Address;
import java.util.Objects;

/**
 * The one reader of an address or prefix a person (or a tool) wrote: the policy file's
 * {@code from:}, container labels, {@code trace --src/--dst}, {@code probe} targets and
 * {@code --as}, the iptables-save parser.
 *
 * <p>Only the plain forms are accepted: IPv4 dotted quads ({@code 198.51.100.7}), IPv6 text
 * ({@code 2001:db8::7}, {@code ::ffff:198.51.100.7}) and, where a prefix is meant, a prefix length
 * ({@code 198.51.100.0/24}). Everything the IPAddress library (and inet_aton) would otherwise read
 * into something else is refused, because a firewall that allows what was not written is worse
 * than one that stops at the typo: inet_aton shorthands ({@code 10.1} is 10.0.0.1), single
 * integers ({@code 3232235777}), wildcards ({@code 10.*}, {@code *}), ranges
 * ({@code 10.0.0.1-9}), masks ({@code /255.0.0.0}), zones ({@code fe80::1%eth0}), IPv4 leading
 * zeros ({@code 010.0.0.1}, octal to inet_aton, decimal here), base85, binary, surrounding
 * whitespace and the empty string (which the library would read as loopback).
 *
 * <p>Failures are {@link IllegalArgumentException}s whose message starts with "expected", says
 * what an address or prefix looks like and quotes what was written, so each caller can put it
 * after its own position (file:line:column, label, option).
 */
public final class AddressInput {
  private AddressInput() {}

  static final String ADDRESS_EXAMPLE = "an IPv4 or IPv6 address such as 198.51.100.7 or 2001:db8::7";
  static final String PREFIX_EXAMPLE = "an IPv4 or IPv6 address or CIDR prefix such as 198.51.100.0/24 or 2001:db8::/32";
  static final String BLOCK_EXAMPLE =
      "an IPv4 or IPv6 address, CIDR block or range such as 198.51.100.7, 198.51.100.0/28, 198.51.100.1-20 or 2001:db8::/120";

  // A range of one segment's values (198.51.100.1-20), never a wildcard, a reversed range (20-1)
  // or an open end (1-), so that a probe's extent is exactly what was typed.
  private static final RangeParameters DASH_RANGE_ONLY = new RangeParameters(false, true, false, false, false);

  private static final IPAddressStringParameters LITERAL = params(false, RangeParameters.NO_RANGE);
  private static final IPAddressStringParameters PREFIX = params(true, RangeParameters.NO_RANGE);
  private static final IPAddressStringParameters BLOCK = params(true, DASH_RANGE_ONLY);

  private static IPAddressStringParameters params(boolean prefix, RangeParameters ranges) {
    IPAddressStringParameters.Builder b = new IPAddressStringParameters.Builder()
        .allowEmpty(false)
        .setEmptyAsLoopback(false)
        .allowAll(false)
        .allowPrefixOnly(false)
        .allowSingleSegment(false)
        .allowPrefix(prefix)
        .allowMask(false)
        .allow_inet_aton(false)
        .allowWildcardedSeparator(false)
        .setRangeOptions(ranges);
    // Prefix-length leading zeros stay allowed: the library counts "/0" among them, and a length
    // is decimal to every reader, so /08 cannot mean anything but /8.
    b.getIPv4AddressParametersBuilder()
        .allowLeadingZeros(false)
        .allowUnlimitedLeadingZeros(false)
        .allowPrefixesBeyondAddressSize(false)
        .allowBinary(false);
    b.getIPv6AddressParametersBuilder()
        .allowZone(false)
        .allowEmptyZone(false)
        .allowBase85(false)
        .allow_mixed_inet_aton(false)
        .allowPrefixesBeyondAddressSize(false)
        .allowBinary(false)
        // The IPv4 tail of ::ffff:198.51.100.7 follows the IPv4 rules above.
        .getEmbeddedIPv4AddressParametersBuilder()
        .allowLeadingZeros(false)
        .allowUnlimitedLeadingZeros(false)
        .allowBinary(false);
    return b.toParams();
  }

  /**
   * One address, no prefix: {@code 198.51.100.7}, {@code 2001:db8::7}.
   *
   * @throws IllegalArgumentException "expected an IPv4 or IPv6 address such as ..., got '...'"
   */
  public static IPAddress address(String text) {
    IPAddress plain = dottedQuadOrNull(text);
    if (plain != null) {
      return plain;
    }
    IPAddress a = parse(text, LITERAL);
    if (a == null || a.isMultiple() || a.isPrefixed()) {
      throw new IllegalArgumentException("expected " + ADDRESS_EXAMPLE + ", got '" + text + "'");
    }
    return a;
  }

  /**
   * A network prefix: {@code 198.51.100.0/24}, {@code 2001:db8::/32}, or a bare address meaning
   * its one-address prefix ({@code /32}, {@code /128}). The result always carries its prefix
   * length.
   *
   * <p>Host bits set ({@code 10.1.2.3/8}) are refused, not cleared: the writer meant either the
   * one address or the whole network, and guessing the wider one would allow more than asked.
   * The message names the network they may have meant.
   *
   * @throws IllegalArgumentException "expected an IPv4 or IPv6 address or CIDR prefix such as ...,
   *     got '...'", or "expected a network prefix with host bits zero, got '...' (did you mean ...?)"
   */
  public static IPAddress prefix(String text) {
    IPAddress a = parse(text, PREFIX);
    if (a == null) {
      throw new IllegalArgumentException("expected " + PREFIX_EXAMPLE + ", got '" + text + "'");
    }
    if (!a.isPrefixed()) {
      a = a.setPrefixLength(a.getBitCount(), false);
    }
    if (!a.isPrefixBlock()) {
      throw new IllegalArgumentException("expected a network prefix with host bits zero, got '" + text
          + "' (did you mean " + a.toPrefixBlock().toCanonicalString() + "?)");
    }
    return a;
  }

  /**
   * What a scan of one's own hosts names: an address, a CIDR block, or a range of one segment's
   * values ({@code 198.51.100.1-20}). Unlike {@link #prefix}, host bits may be set and mean the
   * block that holds the address ({@code 198.51.100.77/30} is 198.51.100.76/30), as in nmap: a
   * probe only reads, and its size is checked by the caller. Wildcards, masks and shorthands are
   * refused as everywhere else.
   *
   * @throws IllegalArgumentException "expected an IPv4 or IPv6 address, CIDR block or range such
   *     as ..., got '...'"
   */
  public static IPAddress block(String text) {
    IPAddress a = parse(text, BLOCK);
    // A range with a prefix length (198.51.100.1-20/24) says two different extents at once.
    if (a == null || (a.isPrefixed() && a.isMultiple() && !a.isPrefixBlock())) {
      throw new IllegalArgumentException("expected " + BLOCK_EXAMPLE + ", got '" + text + "'");
    }
    return a.isPrefixed() ? a.toPrefixBlock() : a;
  }

  private static IPAddress parse(String text, IPAddressStringParameters params) {
    Objects.requireNonNull(text, "text");
    // The library trims surrounding whitespace; the caller decides whether its syntax has any
    // (after a comma in a label), so here "10.0.0.1 " is junk like any other.
    if (text.chars().anyMatch(Character::isWhitespace)) {
      return null;
    }
    IPAddress a = new IPAddressString(text, params).getAddress();
    return a != null && (a.isIPv4() || a.isIPv6()) ? a : null;
  }

  /**
   * A plain dotted quad ({@code 198.51.100.7}: four decimal octets 0-255, no leading zeros, nothing
   * else) read directly; null for any other text, which the caller gives to its own parser. It
   * reads exactly what the IPAddress library reads from such text, at a fraction of the cost: an
   * iptables dump or an {@code nft -j list ruleset} of a large host holds tens of thousands of
   * addresses, fail2ban and blocklist dumps as many distinct ones.
   */
  public static IPAddress dottedQuadOrNull(String text) {
    long value = 0;
    int octet = -1;
    int dots = 0;
    int digits = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        // A leading zero is octal to inet_aton and to the library's default reading: not plain.
        if (octet == 0 || ++digits > 3) {
          return null;
        }
        octet = (octet < 0 ? 0 : octet * 10) + (c - '0');
        if (octet > 255) {
          return null;
        }
      } else if (c == '.' && octet >= 0 && dots < 3) {
        value = (value << 8) | octet;
        octet = -1;
        digits = 0;
        dots++;
      } else {
        return null;
      }
    }
    if (dots != 3 || octet < 0) {
      return null;
    }
    return new IPv4Address((int) ((value << 8) | octet));
  }
}
