package dev.breakwater.gather;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.host.HostListener;
import dev.breakwater.net.IpFamily;
import dev.breakwater.netfilter.IptablesSaveParser;
import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.snapshot.Corpus;
import dev.breakwater.snapshot.SsListeningReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The snapshot's facts with the live firewall's rules: nothing but the rules is replaced. */
class PolicyFactsTest {
  /** A live IPv4 dump with no sign of Docker's backend: only the snapshot's docker-info.json says it. */
  private static final Ruleset LIVE_IPV4 = IptablesSaveParser.parse("""
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      COMMIT
      """, IpFamily.V4, "iptables-save (live)", Map.of());

  @Test
  void keepsDockersFirewallDriverAndTheListeners() {
    HostFacts snapshot = Corpus.facts("docker-29-nft-ufw");
    List<HostListener> listeners = SsListeningReader.read(
        "tcp LISTEN 0 4096 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=812,fd=3))\n", "ss-listening.txt");
    HostFacts withListeners = new HostFacts(snapshot.hostname(), snapshot.interfaces(), snapshot.routes(),
        snapshot.containers(), snapshot.ipv4(), snapshot.ipv6(), snapshot.ufw(), snapshot.daemon(), snapshot.notes(),
        snapshot.setup(), Optional.of(listeners));

    HostFacts live = PolicyFacts.withLiveRules(withListeners, LIVE_IPV4, Optional.empty(), Optional.empty());

    assertThat(live.ipv4()).isSameAs(LIVE_IPV4);
    assertThat(live.setup()).isEqualTo(snapshot.setup());
    assertThat(live.setup().dockerFirewallDriver()).contains("nftables");
    // What --backend auto decides by: the driver, though the live rules show no docker-bridges table.
    assertThat(live.dockerUsesNftables()).isTrue();
    assertThat(live.hasDockerUserChain()).isFalse();
    assertThat(live.listeners()).contains(listeners);
  }
}
