package dev.breakwater.policy;

import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The sources an allow entry lets in: every address ({@code any}) or a list of prefixes of
 * either family.
 */
public record Sources(boolean any, List<IPAddress> prefixes) {
  public static final Sources ANY = new Sources(true, List.of());
  public static final Sources NONE = new Sources(false, List.of());

  public Sources {
    prefixes = any ? List.of() : List.copyOf(new LinkedHashSet<>(prefixes));
  }

  public static Sources of(List<IPAddress> prefixes) {
    return new Sources(false, prefixes);
  }

  /**
   * The union of many source sets in one pass (duplicates dropped, first-seen order kept): adding
   * them one by one copies the list each time, quadratic in a 20,000-source entry.
   */
  public static Sources union(List<Sources> all) {
    List<IPAddress> prefixes = new ArrayList<>();
    for (Sources s : all) {
      if (s.any) {
        return ANY;
      }
      prefixes.addAll(s.prefixes);
    }
    return of(prefixes);
  }

  /** The prefixes of one family; {@code any} is handled by the caller. */
  public List<IPAddress> of(IpFamily family) {
    return prefixes.stream().filter(p -> family == IpFamily.V4 ? p.isIPv4() : p.isIPv6()).toList();
  }

  @Override
  public String toString() {
    return any ? "any" : prefixes.isEmpty() ? "nobody" : String.join(", ", prefixes.stream().map(IPAddress::toCanonicalString).toList());
  }
}
