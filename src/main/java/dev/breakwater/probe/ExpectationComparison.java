package dev.breakwater.probe;

import dev.breakwater.net.Transport;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares what answered with what the engine predicted. Pure: no I/O.
 *
 * @param disagreements every endpoint where observation and prediction differ
 * @param unchecked predictions this probe could not test (not scanned, or not TCP)
 */
public record ExpectationComparison(List<Disagreement> disagreements, List<Expectation> unchecked) {

  public static ExpectationComparison compare(List<Expectation> expectations, List<PortResult> observed) {
    Map<Endpoint, PortResult> byEndpoint = new HashMap<>();
    for (PortResult r : observed) {
      byEndpoint.put(r.endpoint(), r);
    }
    List<Disagreement> disagreements = new ArrayList<>();
    List<Expectation> unchecked = new ArrayList<>();
    Set<Endpoint> predicted = new HashSet<>();
    for (Expectation e : expectations) {
      if (e.proto() != Transport.TCP || e.port() < 1) {
        unchecked.add(e);
        continue;
      }
      InetAddress address = e.hostAddress().withoutPrefixLength().toInetAddress();
      Endpoint endpoint = new Endpoint(address, e.port());
      PortResult seen = byEndpoint.get(endpoint);
      if (seen == null) {
        unchecked.add(e);
        continue;
      }
      predicted.add(endpoint);
      boolean open = seen.state() == PortState.OPEN;
      if (open && !e.expectedReachable()) {
        disagreements.add(new Disagreement.OpenAgainstPrediction(endpoint, e));
      } else if (!open && e.expectedReachable()) {
        disagreements.add(new Disagreement.ClosedAgainstPrediction(endpoint, e, seen.state()));
      }
    }
    for (PortResult r : observed) {
      if (r.state() == PortState.OPEN && !predicted.contains(r.endpoint())) {
        disagreements.add(new Disagreement.OpenWithoutPrediction(r.endpoint()));
      }
    }
    return new ExpectationComparison(List.copyOf(disagreements), List.copyOf(unchecked));
  }
}
