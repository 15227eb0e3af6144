package dev.breakwater.netfilter;

import dev.breakwater.net.IpFamily;

/** Parses {@code iptables-save} / {@code ip6tables-save} output into a {@link Ruleset}. */
public final class IptablesSaveParser {
  private IptablesSaveParser() {}

  /**
   * @param sourceName the file name used in messages ({@code snapshot/iptables-save.txt})
   * @throws RulesetParseException with {@code sourceName:line: what was expected}
   */
  public static Ruleset parse(String text, IpFamily family, String sourceName) {
    throw new UnsupportedOperationException("parser not written yet");
  }
}
