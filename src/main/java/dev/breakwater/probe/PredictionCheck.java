package dev.breakwater.probe;

import java.net.InetAddress;
import java.util.List;

/**
 * The outcome of {@code probe --expect-from}: the vantage point the predictions were made for,
 * how what answered compares with them, and the ports the engine could only call "possibly".
 */
public record PredictionCheck(List<InetAddress> vantages, ExpectationComparison comparison, List<String> uncertain) {
  public PredictionCheck {
    vantages = List.copyOf(vantages);
    uncertain = List.copyOf(uncertain);
  }

  public static PredictionCheck of(List<InetAddress> vantages, ReachExpectations predictions, List<PortResult> observed) {
    return new PredictionCheck(vantages, ExpectationComparison.compare(predictions.expectations(), observed),
        predictions.uncertain());
  }

  public boolean agrees() {
    return comparison.disagreements().isEmpty();
  }
}
