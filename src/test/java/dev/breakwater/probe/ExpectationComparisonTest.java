package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddressString;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpectationComparisonTest {
  private static Endpoint at(String address, int port) throws Exception {
    return new Endpoint(InetAddress.getByName(address), port);
  }

  private static Expectation expect(String address, int port, Transport proto, boolean reachable) {
    return new Expectation(new IPAddressString(address).getAddress(), port, proto, reachable);
  }

  @Test
  void agreementInEveryStateGivesNoDisagreement() throws Exception {
    List<PortResult> seen = List.of(
        new PortResult(at("198.51.100.7", 22), PortState.OPEN, ""),
        new PortResult(at("198.51.100.7", 3306), PortState.FILTERED, "no answer"),
        new PortResult(at("198.51.100.7", 6379), PortState.CLOSED, "refused"));
    ExpectationComparison c = ExpectationComparison.compare(List.of(
        expect("198.51.100.7", 22, Transport.TCP, true),
        expect("198.51.100.7", 3306, Transport.TCP, false),
        expect("198.51.100.7", 6379, Transport.TCP, false)), seen);
    assertThat(c.disagreements()).isEmpty();
    assertThat(c.unpredictedOpen()).isEmpty();
    assertThat(c.unchecked()).isEmpty();
  }

  @Test
  void eachKindOfDisagreementIsReportedWithItsEndpoint() throws Exception {
    List<PortResult> seen = List.of(
        new PortResult(at("2001:db8::7", 3306), PortState.OPEN, ""),
        new PortResult(at("2001:db8::7", 443), PortState.FILTERED, "no answer"),
        new PortResult(at("2001:db8::7", 8080), PortState.OPEN, ""));
    ExpectationComparison c = ExpectationComparison.compare(List.of(
        expect("2001:db8::7", 3306, Transport.TCP, false),
        expect("2001:db8:0::7", 443, Transport.TCP, true)), seen);
    assertThat(c.disagreements()).containsExactly(
        new Disagreement.OpenAgainstPrediction(at("2001:db8::7", 3306), expect("2001:db8::7", 3306, Transport.TCP, false)),
        new Disagreement.ClosedAgainstPrediction(at("2001:db8::7", 443), expect("2001:db8::7", 443, Transport.TCP, true), PortState.FILTERED));
    assertThat(c.unpredictedOpen()).as("open, but the snapshot predicts nothing: listed, not a disagreement")
        .containsExactly(at("2001:db8::7", 8080));
    assertThat(c.disagreements().get(1).explanation()).contains("[2001:db8::7]:443 is filtered");
  }

  @Test
  void predictionsThisProbeCannotTestAreListedNotGuessed() throws Exception {
    List<PortResult> seen = List.of(new PortResult(at("198.51.100.7", 53), PortState.CLOSED, "refused"));
    Expectation udp = expect("198.51.100.7", 53, Transport.UDP, true);
    Expectation notScanned = expect("198.51.100.8", 53, Transport.TCP, true);
    ExpectationComparison c = ExpectationComparison.compare(List.of(udp, notScanned), seen);
    assertThat(c.unchecked()).containsExactly(udp, notScanned);
    assertThat(c.disagreements()).isEmpty();
  }
}
