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
 * <p>An open port the engine made no prediction for (sshd, a service outside Docker) is listed
 * apart, not as a disagreement: the engine predicts published ports, so silence about the rest
 * is not a contradiction.
 *
 * @param disagreements every endpoint where observation and prediction differ
 * @param unpredictedOpen open endpoints the snapshot predicts nothing about
 * @param unchecked predictions this probe could not test (not scanned, or not TCP)
 */
public record ExpectationComparison(List<Disagreement> disagreements, List<Endpoint> unpredictedOpen,
    List<Expectation> unchecked) {

  public ExpectationComparison {
    disagreements = List.copyOf(disagreements);
    unpredictedOpen = List.copyOf(unpredictedOpen);
    unchecked = List.copyOf(unchecked);
  }

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
    List<Endpoint> unpredictedOpen = new ArrayList<>();
    for (PortResult r : observed) {
      if (r.state() == PortState.OPEN && !predicted.contains(r.endpoint())) {
        unpredictedOpen.add(r.endpoint());
      }
    }
    return new ExpectationComparison(disagreements, unpredictedOpen, unchecked);
  }
}
