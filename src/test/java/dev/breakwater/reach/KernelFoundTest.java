package dev.breakwater.reach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.HostFacts;
import dev.breakwater.host.NetworkInterface;
import dev.breakwater.host.Route;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.IptablesSaveParser;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Disagreements between the engine and the kernel found by the kernel oracle
 * ({@code dev.breakwater.reach.oracle.KernelOracleTest}), each cut down to the rules that decide
 * it. The host is the oracle's lab: eth0 198.51.100.1/24, docker0 198.18.0.1/24 with containers
 * behind it. The expected verdict is what the kernel did.
 */
class KernelFoundTest {

  /**
   * Found at seeds 28, 240 and 349 (generator of 15:45 UTC): {@code -p 8000-9000:8000-9000}
   * publishes a range; DNAT to a port range keeps the packet's port when it lies inside the range
   * (nf_nat's get_unique_tuple: "only bother mapping if it's not already in range and unique"), so a SYN to 8080 reaches the container's 8080 and
   * the drop of 8080 applies. The engine rewrote the port to the range's first port (8000).
   */
  @Test
  void dnatToAPortRangeKeepsThePortWhenItIsInsideTheRange() {
    String rules = """
        *mangle
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A FORWARD -d 198.18.0.2/32 -p tcp -m tcp --dport 8080 -j DROP
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING ! -i docker0 -p tcp -m tcp --dport 8000:9000 -j DNAT --to-destination 198.18.0.2:8000-9000
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        COMMIT
        """;
    Trace t = Reachability.of(lab(rules)).trace(syn("198.51.100.66", "198.51.100.1", 8080));

    assertThat(t.nat()).hasValueSatisfying(n -> assertThat(n.toPort()).isEqualTo(8080));
    assertThat(t.verdict().label()).isEqualTo("blocked");
  }

  /**
   * Found at 35 of the first 250 seeds once the generator wrote mangle/POSTROUTING drops (16:00
   * UTC): a forwarded packet still traverses POSTROUTING (mangle, then nat) after FORWARD, and a
   * DROP there drops it. The engine's walk ends at the FORWARD hook's verdict. Same in IPv6.
   */
  @Test
  void aForwardedPacketCanStillBeDroppedInManglePostrouting() {
    String rules = """
        *mangle
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A POSTROUTING -o docker0 -p tcp -m tcp --dport 80 -j DROP
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING ! -i docker0 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 198.18.0.2:80
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        COMMIT
        """;
    Trace t = Reachability.of(lab(rules)).trace(syn("198.51.100.66", "198.51.100.1", 3306));

    assertThat(t.verdict().label()).isEqualTo("blocked");
  }

  /**
   * Found at seed 4186 (16:30 UTC): a DNAT whose target is where the packet already goes (here
   * direct routing to 198.18.0.2:80 meets {@code --to-destination 198.18.0.2}) changes nothing, and
   * the kernel sets the connection's DNAT status only when the tuple changes (nf_nat_setup_info:
   * {@code if (!nf_ct_tuple_equal(&new_tuple, &curr_tuple)) ... ct->status |= IPS_DST_NAT}), so
   * {@code --ctstate DNAT} does not match and the FORWARD policy drops it. The engine counted the
   * no-op DNAT as DNAT. Same in IPv6; a real rewrite (to 198.51.100.1:80) does match.
   */
  @Test
  void aDnatThatChangesNothingLeavesNoDnatState() {
    String rules = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING ! -i docker0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 198.18.0.2
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        -A FORWARD -i docker0 -j ACCEPT
        -A FORWARD -o docker0 -m conntrack --ctstate DNAT -j ACCEPT
        COMMIT
        """;
    Reachability engine = Reachability.of(lab(rules));

    assertThat(engine.trace(syn("198.51.100.66", "198.18.0.2", 80)).verdict().label()).isEqualTo("blocked");
    assertThat(engine.trace(syn("198.51.100.66", "198.51.100.1", 80)).verdict().label()).isEqualTo("reachable");
  }

  /**
   * Found with a raw-socket probe between two namespaces (docs/reach.md, "The sender's choices"),
   * not yet by the oracle, whose probe sends only what connect() sends: a first packet SYN|PSH (or
   * SYN|URG, SYN|ECE, SYN|CWR) is NEW to conntrack and answered with a SYN-ACK, so a drop of
   * exactly SYN lets it through. The engine used to try only a plain SYN and said blocked; trace
   * and audit now take the sender's choice.
   */
  @Test
  void aSynWithPshGetsPastADropOfThePlainSyn() {
    String rules = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A INPUT -i eth0 -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG SYN -j DROP
        COMMIT
        """;
    Reachability r = Reachability.of(lab(rules));
    Packet plain = syn("198.51.100.66", "198.51.100.1", 80);

    assertThat(r.trace(plain).verdict().label()).isEqualTo("blocked");
    Trace chosen = r.traceChoosing(plain, false, true);
    assertThat(chosen.verdict().label()).isEqualTo("reachable");
    assertThat(chosen.packet().tcpFlags()).isEqualTo(TcpFlagBits.SYN | TcpFlagBits.PSH);
  }

  /**
   * A SYN from source port 0 gets a SYN-ACK (raw-socket probe, as above): the source-port space
   * the sender chooses from is 0-65535, and a rule that lets only port 0 through lets it in.
   */
  @Test
  void aSynFromSourcePortZeroIsAnswered() {
    String rules = """
        *filter
        :INPUT DROP [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A INPUT -p tcp -m tcp --sport 0 -j ACCEPT
        COMMIT
        """;
    Trace chosen = Reachability.of(lab(rules)).traceChoosing(syn("198.51.100.66", "198.51.100.1", 80), true, true);

    assertThat(chosen.verdict().label()).isEqualTo("reachable");
    assertThat(chosen.packet().sourcePort()).isZero();
    assertThat(chosen.needs()).extracting(AttackerChoice::describe).containsExactly("only from source port 0");
  }

  private static Packet syn(String source, String destination, int port) {
    return new Packet(ip(source), ip(destination), Transport.TCP, 40_000, port, "eth0");
  }

  private static HostFacts lab(String rules) {
    List<NetworkInterface> interfaces = List.of(
        new NetworkInterface("lo", "loopback", true, List.of(ip("127.0.0.1/8")), ""),
        new NetworkInterface("eth0", "veth", true, List.of(ip("198.51.100.1/24"), ip("198.51.100.2/24")), ""),
        new NetworkInterface("docker0", "bridge", true, List.of(ip("198.18.0.1/24")), ""),
        new NetworkInterface("vethc1", "veth", true, List.of(), "docker0"));
    List<Route> routes = List.of(
        new Route(IpFamily.V4, ip("198.51.100.0/24"), Optional.empty(), "eth0", "unicast"),
        new Route(IpFamily.V4, ip("198.18.0.0/24"), Optional.empty(), "docker0", "unicast"));
    return new HostFacts("bwo-host", interfaces, routes, List.of(),
        IptablesSaveParser.parse(rules, IpFamily.V4, "KernelFoundTest"), Optional.empty(), Optional.empty(),
        Optional.empty(), List.of());
  }

  private static IPAddress ip(String text) {
    return new IPAddressString(text).getAddress();
  }
}
