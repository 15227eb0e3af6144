package dev.breakwater.probe;

import dev.breakwater.net.AddressInput;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns what the user typed ({@code 198.51.100.7}, {@code 2001:db8::7}, {@code 198.51.100.0/28},
 * {@code 198.51.100.1-20}, {@code db.example.org}) into the addresses to probe.
 *
 * <p>More than {@value #LARGE_TARGET} addresses in total needs {@code allowLarge}: a typo such as
 * {@code /16} for {@code /26} should not start a scan of 65,536 hosts.
 */
public final class ScanTargets {
  public static final int LARGE_TARGET = 256;

  /** Resolves host names; the CLI passes DNS, tests pass a table. */
  @FunctionalInterface
  public interface HostResolver {
    List<InetAddress> resolve(String name) throws UnknownHostException;
  }

  public static final HostResolver DNS = name -> List.of(InetAddress.getAllByName(name));

  private final HostResolver resolver;

  public ScanTargets(HostResolver resolver) {
    this.resolver = resolver;
  }

  /** The distinct addresses named by {@code targets}, in the order given. */
  public List<InetAddress> addresses(List<String> targets, boolean allowLarge) {
    if (targets.isEmpty()) {
      throw new ProbeInputException("no target: name at least one host, address or CIDR block you own");
    }
    BigInteger total = BigInteger.ZERO;
    List<IPAddress> blocks = new ArrayList<>();
    Set<InetAddress> out = new LinkedHashSet<>();
    for (String target : targets) {
      IPAddress block;
      try {
        // 198.51.100.7/24 means the whole /24, as in nmap; shorthands such as 10.1 and wildcards
        // are refused rather than read as some other host.
        block = AddressInput.block(target.trim());
      } catch (IllegalArgumentException e) {
        if (looksLikeAddress(target)) {
          throw new ProbeInputException("target '" + target + "': not an IP address or CIDR block (" + e.getMessage() + ")");
        }
        for (InetAddress a : resolve(target)) {
          out.add(a);
        }
        total = total.add(BigInteger.ONE);
        continue;
      }
      blocks.add(block);
      total = total.add(hostCount(block));
    }
    if (!allowLarge && total.compareTo(BigInteger.valueOf(LARGE_TARGET)) > 0) {
      throw new ProbeInputException("the targets name " + total + " addresses, more than "
          + LARGE_TARGET + " (one /24); check the prefix lengths, and add --allow-large-ranges "
          + "if you really mean to probe that many of your own hosts");
    }
    for (IPAddress block : blocks) {
      addHosts(block, out);
    }
    return List.copyOf(out);
  }

  private static boolean looksLikeAddress(String target) {
    // Wildcards and zones are address syntax too: "198.51.100.*" is no host name to look up.
    return target.contains("/") || target.contains(":") || target.contains("*") || target.contains("%")
        || target.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == '-');
  }

  private List<InetAddress> resolve(String name) {
    try {
      List<InetAddress> found = resolver.resolve(name);
      if (found.isEmpty()) {
        throw new UnknownHostException(name);
      }
      return found;
    } catch (UnknownHostException e) {
      throw new ProbeInputException("target '" + name + "': no such host (it did not resolve)");
    }
  }

  private static BigInteger hostCount(IPAddress block) {
    return block.withoutPrefixLength().getCount();
  }

  private static void addHosts(IPAddress block, Set<InetAddress> out) {
    IPAddress plain = block.withoutPrefixLength();
    if (!plain.isMultiple()) {
      out.add(plain.toInetAddress());
      return;
    }
    // The network and broadcast addresses of an IPv4 block answer nobody's connect.
    boolean skipEnds = block.isIPv4() && block.isPrefixBlock() && block.getNetworkPrefixLength() <= 30;
    IPAddress first = plain.getLower();
    IPAddress last = plain.getUpper();
    Iterator<? extends IPAddress> it = plain.iterator();
    while (it.hasNext()) {
      IPAddress a = it.next();
      if (skipEnds && (a.equals(first) || a.equals(last))) {
        continue;
      }
      out.add(a.toInetAddress());
    }
  }
}
