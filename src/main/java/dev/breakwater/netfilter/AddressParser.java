package dev.breakwater.netfilter;

import dev.breakwater.net.AddressInput;
import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the addresses iptables-save prints ({@code 10.0.0.0/8}, {@code 10.0.0.0/255.0.0.0},
 * {@code 2001:db8::/32}, a bare address meaning /32 or /128) for one family. Results are cached
 * because a Docker host repeats the same few addresses across thousands of rules.
 */
final class AddressParser {
  /** Marks a prefix written with a non-contiguous mask, which no prefix can represent. */
  static final IPAddress NON_CONTIGUOUS = null;

  private final IpFamily family;
  private final Map<String, IPAddress> prefixes = new HashMap<>();
  private final Map<String, IPAddress> hosts = new HashMap<>();

  AddressParser(IpFamily family) {
    this.family = family;
  }

  IpFamily family() {
    return family;
  }

  /**
   * A prefix with its host bits cleared, as the kernel stores it.
   *
   * @return null ({@link #NON_CONTIGUOUS}) for a mask like {@code 255.0.255.0}
   * @throws RuleSyntaxError for anything that is not an address of this family
   */
  IPAddress prefix(String text) {
    IPAddress cached = prefixes.get(text);
    if (cached != null || prefixes.containsKey(text)) {
      return cached;
    }
    IPAddress parsed = parsePrefix(text);
    prefixes.put(text, parsed);
    return parsed;
  }

  private IPAddress parsePrefix(String text) {
    int slash = text.indexOf('/');
    IPAddress address = host(slash < 0 ? text : text.substring(0, slash));
    int bits = address.getBitCount();
    int length;
    if (slash < 0) {
      length = bits;
    } else {
      String suffix = text.substring(slash + 1);
      if (isDigits(suffix)) {
        length = suffix.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(suffix);
        if (length > bits) {
          throw new RuleSyntaxError("a prefix length of 0 to " + bits + " in '" + text + "'");
        }
      } else {
        IPAddress mask = hostOrNull(suffix);
        if (mask == null || mask.isIPv4() != address.isIPv4()) {
          throw new RuleSyntaxError("a prefix length or a " + family.label() + " mask after '/' in '" + text + "'");
        }
        Integer maskLength = mask.getBlockMaskPrefixLength(true);
        if (maskLength == null) {
          return NON_CONTIGUOUS;
        }
        length = maskLength;
      }
    }
    return address.toPrefixBlock(length);
  }

  /** A single address of this family, no prefix. */
  IPAddress host(String text) {
    IPAddress cached = hosts.get(text);
    if (cached != null) {
      return cached;
    }
    IPAddress address = hostOrNull(text);
    if (address == null) {
      throw new RuleSyntaxError("an " + family.label() + " address, got '" + text + "'");
    }
    if (address.isIPv4() != (family == IpFamily.V4)) {
      throw new RuleSyntaxError("an " + family.label() + " address, got the "
          + (address.isIPv4() ? "IPv4" : "IPv6") + " address '" + text + "' (wrong dump for this family?)");
    }
    hosts.put(text, address);
    return address;
  }

  private static IPAddress hostOrNull(String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      // The same strict reading as user input (a plain dotted quad read directly); masks after
      // '/' come through here one half at a time.
      return AddressInput.address(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
