package dev.breakwater.net;

import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddressStringParameters;

/** How Breakwater reads an address a tool or a user wrote down. */
public final class AddressLiterals {
  private AddressLiterals() {}

  /**
   * Plain IPv4 dotted quads and IPv6 text only: no wildcards, ranges, inet_aton shorthands
   * ("10.1" would otherwise mean 10.0.0.1), single integers, prefixes or masks, which would
   * silently mean something other than what was written.
   */
  public static final IPAddressStringParameters STRICT = new IPAddressStringParameters.Builder()
      .allowEmpty(false)
      .allowAll(false)
      .allowPrefixOnly(false)
      .allowSingleSegment(false)
      .allowPrefix(false)
      .allowMask(false)
      .allow_inet_aton(false)
      .allowWildcardedSeparator(false)
      .setRangeOptions(RangeParameters.NO_RANGE)
      .toParams();
}
