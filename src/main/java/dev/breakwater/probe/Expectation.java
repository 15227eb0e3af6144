package dev.breakwater.probe;

import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;

/**
 * What the analysis engine predicts a probe from this vantage point will see at one port.
 *
 * @param hostAddress the address probed (a single address, no prefix)
 * @param expectedReachable true when the engine says a connection from here gets through
 */
public record Expectation(IPAddress hostAddress, int port, Transport proto, boolean expectedReachable) {}
