package dev.breakwater.probe;

/** A place where what answered differs from what the engine predicted for this vantage point. */
public sealed interface Disagreement {
  Endpoint endpoint();

  String explanation();

  /** The engine said unreachable, the port answered: the firewall lets in more than the model says. */
  record OpenAgainstPrediction(Endpoint endpoint, Expectation expectation) implements Disagreement {
    @Override
    public String explanation() {
      return endpoint + " answered, but the ruleset says it is not reachable from here: a rule, NAT "
          + "or listener is missing from the snapshot, or the snapshot is stale";
    }
  }

  /** The engine said reachable, the port did not answer. */
  record ClosedAgainstPrediction(Endpoint endpoint, Expectation expectation, PortState observed) implements Disagreement {
    @Override
    public String explanation() {
      return endpoint + " is " + observed.label() + ", but the ruleset says it is reachable from here: "
          + "something between this vantage point and the host filters it, or nothing listens";
    }
  }
}
