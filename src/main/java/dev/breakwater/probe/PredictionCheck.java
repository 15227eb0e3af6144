package dev.breakwater.probe;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of {@code probe --expect-from}: the vantage point the predictions were made for,
 * how what answered compares with them, and notes: ports the engine could only call "possibly",
 * and a vantage point the predictions do not fit.
 */
public record PredictionCheck(List<InetAddress> vantages, ExpectationComparison comparison, List<String> notes) {
  public PredictionCheck {
    vantages = List.copyOf(vantages);
    notes = List.copyOf(notes);
  }

  public static PredictionCheck of(List<InetAddress> vantages, ReachExpectations predictions, List<PortResult> observed) {
    List<String> notes = new ArrayList<>(predictions.uncertain());
    for (InetAddress v : vantages) {
      if (v.isLoopbackAddress()) {
        // The engine answers for packets that arrive from outside; a probe of the host from
        // itself takes another path (OUTPUT, loopback), so its disagreements mean little.
        notes.add(0, "the vantage point " + Endpoint.hostText(v) + " is loopback: the snapshot predicts "
            + "for sources outside the host; probe from another machine, or state its address with --as");
      }
    }
    return new PredictionCheck(vantages, ExpectationComparison.compare(predictions.expectations(), observed), notes);
  }

  public boolean agrees() {
    return comparison.disagreements().isEmpty();
  }
}
