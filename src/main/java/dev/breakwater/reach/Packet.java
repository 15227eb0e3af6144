package dev.breakwater.reach;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;

/**
 * The first packet of a new inbound connection, as it arrives on {@code inInterface}: for TCP the
 * initial SYN. Addresses carry no prefix length.
 */
public record Packet(
    IPAddress source,
    IPAddress destination,
    Transport protocol,
    int sourcePort,
    int destinationPort,
    String inInterface) {

  public Packet {
    source = source.withoutPrefixLength();
    destination = destination.withoutPrefixLength();
    if (source.isIPv4() != destination.isIPv4()) {
      throw new IllegalArgumentException("source " + source + " and destination " + destination + " are of different families");
    }
    if (sourcePort < 0 || sourcePort > 65535 || destinationPort < 0 || destinationPort > 65535) {
      throw new IllegalArgumentException("ports must be in 0..65535");
    }
  }

  public IpFamily family() {
    return source.isIPv4() ? IpFamily.V4 : IpFamily.V6;
  }
}
