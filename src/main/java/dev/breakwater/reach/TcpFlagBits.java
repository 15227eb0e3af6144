package dev.breakwater.reach;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * TCP flags as byte 13 of the header, the byte xt_tcpudp's {@code --tcp-flags} masks, and the
 * first packets an attacker may open a connection with.
 *
 * <p>Which first packets open a connection, from the kernel's source:
 * <ul>
 *   <li>conntrack ({@code nf_conntrack_proto_tcp.c}, {@code tcp_error}) masks off ECE, CWR and PSH
 *       and calls the rest INVALID unless {@code tcp_valid_flags} lists it: SYN and SYN|URG are
 *       listed, SYN|FIN and SYN|RST are not; {@code tcp_new} starts a connection in SYN_SENT (NEW)
 *       for either;
 *   <li>a listening socket ({@code tcp_rcv_state_process}, case TCP_LISTEN, in
 *       {@code net/ipv4/tcp_input.c}) answers ACK with a reset, discards RST and SYN|FIN, and hands
 *       any other SYN to {@code conn_request} ({@code tcp_v4_conn_request}), which sends the
 *       SYN-ACK whatever PSH, URG, ECE and CWR say.
 * </ul>
 * So the first packets are SYN with any of PSH, URG, ECE, CWR: {@link #FIRST_PACKETS}, sixteen.
 * Checked on a real kernel (a raw-socket probe between two namespaces, docs/reach.md): SYN,
 * SYN|PSH, SYN|URG, SYN|ECE, SYN|CWR, SYN|ECE|CWR got a SYN-ACK; SYN|FIN and SYN|RST nothing;
 * SYN|ACK a reset.
 */
public final class TcpFlagBits {
  public static final int FIN = 0x01;
  public static final int SYN = 0x02;
  public static final int RST = 0x04;
  public static final int PSH = 0x08;
  public static final int ACK = 0x10;
  public static final int URG = 0x20;
  public static final int ECE = 0x40;
  public static final int CWR = 0x80;
  /** A listener's answer to a SYN (tcp_v4_send_synack). */
  public static final int SYN_ACK = SYN | ACK;

  /** The flags a SYN may carry besides SYN and still open a connection. */
  static final int FREE = PSH | URG | ECE | CWR;

  private static final String[] NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

  /** Every first packet that conntrack admits as NEW and a listener answers with a SYN-ACK. */
  static final List<Integer> FIRST_PACKETS = firstPackets();

  private TcpFlagBits() {}

  private static List<Integer> firstPackets() {
    List<Integer> out = new ArrayList<>();
    for (int extra = 0; extra <= 0xff; extra++) {
      if ((extra & ~FREE) == 0) {
        out.add(SYN | extra);
      }
    }
    return List.copyOf(out);
  }

  /** Whether {@code flags} opens a connection: a SYN with nothing but PSH, URG, ECE, CWR besides. */
  public static boolean opensConnection(int flags) {
    return (flags & ~FREE) == SYN;
  }

  /** The bits of xt_tcpudp's flag names ({@code ALL} is FIN..URG, as libxt_tcp has it). */
  static int bits(Set<String> names) {
    int bits = 0;
    for (String name : names) {
      bits |= switch (name) {
        case "ALL" -> FIN | SYN | RST | PSH | ACK | URG;
        case "NONE" -> 0;
        default -> bit(name);
      };
    }
    return bits;
  }

  private static int bit(String name) {
    for (int i = 0; i < NAMES.length; i++) {
      if (NAMES[i].equals(name)) {
        return 1 << i;
      }
    }
    throw new IllegalArgumentException("not a TCP flag: " + name);
  }

  /** {@code SYN,PSH}: the names of the set bits, comma-separated, in header order. */
  public static String names(int flags) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < NAMES.length; i++) {
      if ((flags & (1 << i)) != 0) {
        out.add(NAMES[i]);
      }
    }
    return out.isEmpty() ? "NONE" : String.join(",", out);
  }

  /**
   * Parses {@code SYN,PSH}; throws {@link IllegalArgumentException} with what was expected when
   * a name is not a flag.
   */
  public static int parse(String text) {
    int bits = 0;
    for (String name : text.toUpperCase(Locale.ROOT).split(",", -1)) {
      try {
        bits |= bit(name.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expected TCP flags separated by commas (SYN,PSH,URG,ECE,CWR), got '"
            + text + "'");
      }
    }
    return bits;
  }
}
