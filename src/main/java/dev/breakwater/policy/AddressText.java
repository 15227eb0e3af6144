package dev.breakwater.policy;

import dev.breakwater.net.AddressSets;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;

/** Prefix lists in words, for plans and proofs. */
public final class AddressText {
  private AddressText() {}

  public static String text(List<IPAddress> prefixes) {
    return prefixes.isEmpty() ? "nobody" : String.join(", ", prefixes.stream().map(PolicyCompiler::prefixText).toList());
  }

  /**
   * Like {@link #text}, but a long list is said by what it leaves out when that is short
   * ({@code every IPv6 address except 2001:db8:1::66/128}), else by its size and ends.
   */
  public static String describe(List<IPAddress> prefixes) {
    List<IPAddress> set = AddressSets.union(prefixes);
    if (set.size() <= 8) {
      return text(set);
    }
    List<String> parts = new ArrayList<>();
    for (boolean v4 : new boolean[] {true, false}) {
      List<IPAddress> family = set.stream().filter(p -> p.isIPv4() == v4).toList();
      if (family.isEmpty()) {
        continue;
      }
      IPAddress all = new inet.ipaddr.IPAddressString(v4 ? "0.0.0.0/0" : "::/0").getAddress();
      List<IPAddress> missing = AddressSets.minus(List.of(all), family);
      String label = v4 ? "IPv4" : "IPv6";
      if (missing.isEmpty()) {
        parts.add("every " + label + " address");
      } else if (missing.size() <= 4) {
        parts.add("every " + label + " address except " + text(missing));
      } else if (family.size() <= 8) {
        parts.add(text(family));
      } else {
        parts.add(family.size() + " " + label + " prefixes from " + PolicyCompiler.prefixText(family.get(0))
            + " to " + PolicyCompiler.prefixText(family.get(family.size() - 1)));
      }
    }
    return String.join("; ", parts);
  }

}
