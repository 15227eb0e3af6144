package dev.breakwater.catalog;

import java.util.Map;
import java.util.Optional;

/**
 * UDP services that answer a small spoofed request with a large reply, which makes an open one a
 * reflector in DDoS attacks. The list and the amplification factors are US-CERT's alert TA14-017A
 * "UDP-Based Amplification Attacks" (updated 2019), plus memcached (CVE-2018-1000115, up to
 * 51,000x) and WS-Discovery (3702, ZDNet/Akamai 2019).
 */
public final class UdpAmplifiers {
  private static final Map<Integer, String> BY_PORT = Map.ofEntries(
      Map.entry(17, "QOTD"), Map.entry(19, "CharGEN"), Map.entry(53, "DNS"),
      Map.entry(69, "TFTP"), Map.entry(111, "Portmap (RPCbind)"), Map.entry(123, "NTP"),
      Map.entry(137, "NetBIOS"), Map.entry(161, "SNMP"), Map.entry(389, "CLDAP"),
      Map.entry(520, "RIPv1"), Map.entry(1900, "SSDP"), Map.entry(3283, "Apple Remote Desktop"),
      Map.entry(3702, "WS-Discovery"), Map.entry(5353, "mDNS"), Map.entry(5683, "CoAP"),
      Map.entry(10001, "Ubiquiti discovery"), Map.entry(11211, "memcached"),
      Map.entry(27015, "Steam"), Map.entry(27960, "Quake"));

  private UdpAmplifiers() {}

  /** The amplifying service that listens on this UDP port by default. */
  public static Optional<String> service(int udpPort) {
    return Optional.ofNullable(BY_PORT.get(udpPort));
  }
}
