package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.host.Container;
import dev.breakwater.host.PublishedPort;
import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import dev.breakwater.reach.PortReach;
import dev.breakwater.reach.SourceClass;
import dev.breakwater.reach.Verdict;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReachExpectationsTest {
  private static final Container DB = new Container("id", "db", "mysql:8", Map.of(), "bridge",
      List.of(), List.of(), List.of(), List.of());

  private static IPAddress ip(String s) {
    return new IPAddressString(s).getAddress();
  }

  private static InetAddress inet(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  private static PortReach reach(String hostIp, int port, List<String> from, List<String> possibly) {
    PublishedPort p = new PublishedPort(ip(hostIp), port, port, Transport.TCP, Optional.empty());
    IpFamily family = IpFamily.of(p.hostIp());
    return new PortReach(DB, p, List.of(
        new SourceClass("eth0", family, from.stream().map(ReachExpectationsTest::ip).toList(), Verdict.REACHABLE,
            Optional.empty()),
        new SourceClass("eth0", family, possibly.stream().map(ReachExpectationsTest::ip).toList(),
            new Verdict.PossiblyReachable(List.of(), List.of()), Optional.empty())), List.of(), List.of());
  }

  @Test
  void aPortOnAllAddressesIsPredictedOnEveryProbedAddressOfItsFamily() throws Exception {
    ReachExpectations e = ReachExpectations.from(
        List.of(reach("0.0.0.0", 3306, List.of("0.0.0.0/0"), List.of()),
            reach("::", 3306, List.of("2001:db8:99::/48"), List.of())),
        List.of(inet("198.51.100.50"), inet("2001:db8:1::50")),
        List.of(inet("198.51.100.7"), inet("198.51.100.8"), inet("2001:db8::7")));
    assertThat(e.expectations()).containsExactly(
        new Expectation(ip("198.51.100.7"), 3306, Transport.TCP, true),
        new Expectation(ip("198.51.100.8"), 3306, Transport.TCP, true),
        new Expectation(ip("2001:db8::7"), 3306, Transport.TCP, false));
    assertThat(e.uncertain()).isEmpty();
  }

  @Test
  void aPortBoundToOneAddressIsPredictedThereOnly() throws Exception {
    ReachExpectations e = ReachExpectations.from(
        List.of(reach("198.51.100.8", 6379, List.of("198.51.100.0/24"), List.of())),
        List.of(inet("198.51.100.50")), List.of(inet("198.51.100.7"), inet("198.51.100.8")));
    assertThat(e.expectations()).containsExactly(new Expectation(ip("198.51.100.8"), 6379, Transport.TCP, true));
  }

  @Test
  void aPossiblyReachedVantagePointGivesNoPredictionButSaysWhy() throws Exception {
    ReachExpectations e = ReachExpectations.from(
        List.of(reach("0.0.0.0", 5432, List.of("198.18.0.0/15"), List.of("198.51.100.0/24"))),
        List.of(inet("198.51.100.50")), List.of(inet("198.51.100.7")));
    assertThat(e.expectations()).isEmpty();
    assertThat(e.uncertain()).singleElement().asString().contains("198.51.100.7:5432/tcp is possibly reachable");
  }

  @Test
  void predictionsFeedTheComparison() throws Exception {
    ReachExpectations e = ReachExpectations.from(
        List.of(reach("0.0.0.0", 3306, List.of(), List.of())),
        List.of(inet("198.51.100.50")), List.of(inet("198.51.100.7")));
    ExpectationComparison c = ExpectationComparison.compare(e.expectations(),
        List.of(new PortResult(new Endpoint(inet("198.51.100.7"), 3306), PortState.OPEN, "")));
    assertThat(c.disagreements()).singleElement().isInstanceOf(Disagreement.OpenAgainstPrediction.class);
  }

  @Test
  void aLoopbackVantagePointIsNotedBecauseThePredictionsAreForOutsiders() throws Exception {
    ReachExpectations e = ReachExpectations.from(
        List.of(reach("0.0.0.0", 3306, List.of(), List.of())), List.of(inet("127.0.0.1")), List.of(inet("127.0.0.1")));
    PredictionCheck loopback = PredictionCheck.of(List.of(inet("127.0.0.1")), e, List.of());
    assertThat(loopback.notes()).singleElement().asString().contains("127.0.0.1 is loopback").contains("--as");
    PredictionCheck outside = PredictionCheck.of(List.of(inet("198.51.100.50")), e, List.of());
    assertThat(outside.notes()).isEmpty();
  }
}
