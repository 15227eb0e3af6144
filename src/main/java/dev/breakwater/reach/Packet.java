package dev.breakwater.reach;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;

/**
 * The first packet of a new inbound connection, as it arrives on {@code inInterface}: for TCP a
 * SYN. Addresses carry no prefix length.
 *
 * @param tcpFlags byte 13 of the TCP header ({@link TcpFlagBits}): {@code SYN} alone, or a SYN
 *     with PSH, URG, ECE or CWR, which conntrack admits as NEW and a listener answers too; ignored
 *     for UDP and SCTP
 * @param headers the IPv6 extension headers the sender put in ({@link ExtensionHeaders#NONE}
 *     for IPv4 and the plain packet)
 */
public record Packet(
    IPAddress source,
    IPAddress destination,
    Transport protocol,
    int sourcePort,
    int destinationPort,
    String inInterface,
    int tcpFlags,
    ExtensionHeaders headers) {

  public Packet {
    source = source.withoutPrefixLength();
    destination = destination.withoutPrefixLength();
    if (source.isIPv4() != destination.isIPv4()) {
      throw new IllegalArgumentException("source " + source + " and destination " + destination + " are of different families");
    }
    if (sourcePort < 0 || sourcePort > 65535 || destinationPort < 0 || destinationPort > 65535) {
      throw new IllegalArgumentException("ports must be in 0..65535");
    }
    if (tcpFlags < 0 || tcpFlags > 0xff) {
      throw new IllegalArgumentException("TCP flags are one byte");
    }
    if (source.isIPv4() && !headers.present().isEmpty()) {
      throw new IllegalArgumentException("IPv4 has no extension headers");
    }
    if (!source.isIPv4() && headers.ipv4Options() != 0) {
      throw new IllegalArgumentException("IPv6 has no IPv4 options");
    }
  }

  /** No extension header. */
  public Packet(IPAddress source, IPAddress destination, Transport protocol, int sourcePort, int destinationPort,
      String inInterface, int tcpFlags) {
    this(source, destination, protocol, sourcePort, destinationPort, inInterface, tcpFlags, ExtensionHeaders.NONE);
  }

  /** A plain SYN for TCP. */
  public Packet(IPAddress source, IPAddress destination, Transport protocol, int sourcePort, int destinationPort,
      String inInterface) {
    this(source, destination, protocol, sourcePort, destinationPort, inInterface, TcpFlagBits.SYN);
  }

  public IpFamily family() {
    return IpFamily.of(source);
  }

  Packet withChoice(int sourcePort, int tcpFlags, ExtensionHeaders headers) {
    return new Packet(source, destination, protocol, sourcePort, destinationPort, inInterface, tcpFlags, headers);
  }
}
