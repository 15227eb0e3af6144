package dev.breakwater.reach;

import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.netfilter.Ruleset;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/** Test fixture: iptables-save text through the real parser, with ipsets the test resolves. */
final class RulesetFixture {
  private RulesetFixture() {}

  static IPAddress ip(String text) {
    return new IPAddressString(text).getAddress();
  }

  static Ruleset parse(String text, IpFamily family) {
    return IptablesSaveParser.parse(text, family, "fixture", Map.copyOf(IPSETS));
  }

  /** The 1-based line of {@code text} that contains {@code fragment}: rule citations in tests. */
  static int lineOf(String text, String fragment) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(fragment)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("no line contains " + fragment);
  }

  /** ipset contents the fixture resolves; a set not listed here stays unresolved. */
  static final Map<String, List<IPAddress>> IPSETS = new LinkedHashMap<>();
}
