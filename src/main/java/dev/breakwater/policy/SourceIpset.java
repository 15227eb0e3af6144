package dev.breakwater.policy;

import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A large source list compiled into an ipset ({@code hash:net}) that one rule matches with
 * {@code -m set --match-set NAME src}, instead of one rule per prefix.
 *
 * <p>The name is derived from the content ({@code bw4-} + 16 hex digits of its SHA-256), so a
 * set never changes once created: a changed list is a new set, and the chain in the backup still
 * finds its own set on rollback.
 */
public record SourceIpset(String name, IpFamily family, List<IPAddress> prefixes) {
  public static final String PREFIX_V4 = "bw4-";
  public static final String PREFIX_V6 = "bw6-";

  public SourceIpset {
    prefixes = List.copyOf(prefixes);
  }

  static SourceIpset of(IpFamily family, List<IPAddress> prefixes) {
    StringBuilder content = new StringBuilder(family.name());
    prefixes.stream().map(PolicyCompiler::prefixText).sorted().forEach(p -> content.append('\n').append(p));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.toString().getBytes(StandardCharsets.UTF_8));
      String name = (family == IpFamily.V4 ? PREFIX_V4 : PREFIX_V6) + HexFormat.of().formatHex(digest, 0, 8);
      return new SourceIpset(name, family, prefixes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  public static boolean isOurs(String setName) {
    return setName.startsWith(PREFIX_V4) || setName.startsWith(PREFIX_V6);
  }

  /** The input of {@code ipset restore} that creates this set under a temporary name and renames it. */
  public String restoreText() {
    String temp = name + "-n";
    String family = this.family == IpFamily.V4 ? "inet" : "inet6";
    StringBuilder text = new StringBuilder();
    text.append("create ").append(temp).append(" hash:net family ").append(family)
        .append(" maxelem ").append(Math.max(65536, Integer.highestOneBit(prefixes.size()) * 2)).append(" -exist\n");
    text.append("flush ").append(temp).append('\n');
    for (IPAddress prefix : prefixes) {
      text.append("add ").append(temp).append(' ').append(PolicyCompiler.prefixText(prefix)).append(" -exist\n");
    }
    text.append("rename ").append(temp).append(' ').append(name).append('\n');
    return text.toString();
  }
}
