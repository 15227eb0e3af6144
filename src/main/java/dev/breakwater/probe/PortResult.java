package dev.breakwater.probe;

/** The outcome of connecting to one endpoint; {@code reason} says why it is not open, when known. */
public record PortResult(Endpoint endpoint, PortState state, String reason) {}
