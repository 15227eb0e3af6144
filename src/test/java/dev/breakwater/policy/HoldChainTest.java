package dev.breakwater.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HoldChainTest {
  static final String ESTABLISHED = "-A BREAKWATER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN";

  @Test
  void keepsEveryDenyOfBothChainsAndNoAllow() {
    List<String> from = List.of(ESTABLISHED,
        "-A BREAKWATER -s 203.0.113.0/24 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN",
        "-A BREAKWATER -i eth0 -p tcp -m conntrack --ctstate NEW --ctorigdstport 8080 --ctdir ORIGINAL -j DROP");
    List<String> to = List.of(ESTABLISHED,
        "-A BREAKWATER -s 198.51.100.0/24 -p tcp -m conntrack --ctorigdstport 5432 --ctdir ORIGINAL -j RETURN",
        "-A BREAKWATER -i eth0 -p tcp -m conntrack --ctstate NEW --ctorigdstport 5432 --ctdir ORIGINAL -j REJECT --reject-with tcp-reset",
        "-A BREAKWATER -i eth0 -o docker0 -m conntrack --ctstate DNAT -j DROP");
    assertThat(HoldChain.rules(from, to)).containsExactly(ESTABLISHED, from.get(2), to.get(2), to.get(3));
  }

  @Test
  void aChainBreakwaterDidNotWriteIsHeldByTheStrictestChain() {
    List<String> foreign = List.of("-A BREAKWATER -s 10.0.0.0/8 -j ACCEPT", "-A BREAKWATER -j DROP");
    assertThat(HoldChain.rules(foreign, List.of())).containsExactly(ESTABLISHED, "-A BREAKWATER -j DROP");
    assertThat(HoldChain.rules(List.of(), List.of("-A BREAKWATER -j LOG"))).containsExactly(ESTABLISHED, "-A BREAKWATER -j DROP");
  }
}
