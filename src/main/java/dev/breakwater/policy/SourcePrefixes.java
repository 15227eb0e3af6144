package dev.breakwater.policy;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Source addresses as a user writes them ({@code 203.0.113.0/24}, {@code 2001:db8::/32},
 * {@code 198.51.100.7}, {@code any}), checked with IPAddress before they reach a rule.
 */
final class SourcePrefixes {
  private SourcePrefixes() {}

  /**
   * Parses one source; an error message (starting with "expected") when it is not a prefix. A
   * bare address is the one-address prefix ({@code /32} or {@code /128}).
   */
  static Result parse(String text) {
    String t = text.trim();
    if (t.equalsIgnoreCase("any")) {
      return new Result(Optional.of(Sources.ANY), "");
    }
    IPAddress address;
    try {
      address = new IPAddressString(t).toAddress();
    } catch (AddressStringException e) {
      return failure("expected an IPv4 or IPv6 address or CIDR (203.0.113.0/24, 2001:db8::/32) or 'any', got '" + t + "'");
    }
    if (address == null || !(address.isIPv4() || address.isIPv6())) {
      return failure("expected an IPv4 or IPv6 address or CIDR, got '" + t + "'");
    }
    if (address.getNetworkPrefixLength() == null) {
      address = address.setPrefixLength(address.getBitCount(), false);
    }
    if (!address.isPrefixBlock()) {
      return failure("expected a network prefix with host bits zero, got '" + t + "' (did you mean "
          + address.toPrefixBlock().toCanonicalString() + "?)");
    }
    return new Result(Optional.of(Sources.of(List.of(address))), "");
  }

  /** Parses a comma-separated list (the form container labels use). */
  static Result parseList(String text) {
    Sources all = Sources.NONE;
    List<String> parts = new ArrayList<>(List.of(text.split(",", -1)));
    for (String part : parts) {
      if (part.isBlank()) {
        return failure("expected a comma-separated list of CIDRs or 'any', got '" + text + "'");
      }
      Result one = parse(part);
      if (one.sources().isEmpty()) {
        return one;
      }
      all = all.plus(one.sources().get());
    }
    return new Result(Optional.of(all), "");
  }

  private static Result failure(String message) {
    return new Result(Optional.empty(), message);
  }

  /** The sources, or a message saying what was expected. */
  record Result(Optional<Sources> sources, String problem) {}
}
