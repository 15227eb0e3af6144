package dev.breakwater.policy;

import dev.breakwater.net.AddressInput;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Source addresses as a user writes them ({@code 203.0.113.0/24}, {@code 2001:db8::/32},
 * {@code 198.51.100.7}, {@code any}), read by the one strict {@link AddressInput#prefix} so that
 * {@code 10.1}, {@code 10.*} or {@code 3232235777} stop here instead of compiling into an allow
 * wider than, or different from, what was written.
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
      address = AddressInput.prefix(t);
    } catch (IllegalArgumentException e) {
      // The policy's own word for every source is not an address, so it is named here; a prefix
      // with host bits set already has its suggestion.
      String problem = e.getMessage();
      return failure(problem.startsWith("expected an IPv4") ? problem + " (or 'any' for every source)" : problem);
    }
    return new Result(Optional.of(Sources.of(List.of(address))), "");
  }

  /** Parses a comma-separated list (the form container labels use). */
  static Result parseList(String text) {
    List<Sources> all = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      if (part.isBlank()) {
        return failure("expected a comma-separated list of CIDRs or 'any', got '" + text + "'");
      }
      Result one = parse(part);
      if (one.sources().isEmpty()) {
        return one;
      }
      all.add(one.sources().get());
    }
    return new Result(Optional.of(Sources.union(all)), "");
  }

  private static Result failure(String message) {
    return new Result(Optional.empty(), message);
  }

  /** The sources, or a message saying what was expected. */
  record Result(Optional<Sources> sources, String problem) {}
}
