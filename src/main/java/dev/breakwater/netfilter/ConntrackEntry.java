package dev.breakwater.netfilter;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.Transport;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One connection as {@code conntrack -L} prints it: the original tuple (as the client sent it,
 * before DNAT) and the reply tuple (as the server answers, after DNAT). Only TCP and UDP entries
 * are read; the rest are of no use to a policy about published ports.
 *
 * <pre>
 * tcp      6 431999 ESTABLISHED src=198.51.100.2 dst=198.51.100.1 sport=40312 dport=3306 src=198.18.0.2 dst=198.51.100.2 sport=80 dport=40312 [ASSURED] mark=0 use=1
 * udp      17 29 src=198.51.100.2 dst=198.51.100.1 sport=5353 dport=53 [UNREPLIED] src=198.18.0.2 dst=198.51.100.2 sport=53 dport=5353 mark=0 use=1
 * </pre>
 */
public record ConntrackEntry(
    IpFamily family,
    Transport protocol,
    IPAddress originalSource,
    IPAddress originalDestination,
    int originalSourcePort,
    int originalDestinationPort,
    IPAddress replySource,
    IPAddress replyDestination) {

  /** Whether DNAT rewrote the destination: the server that answers is not the one the client named. */
  public boolean destinationTranslated() {
    return !replySource.equals(originalDestination);
  }

  /** One line of {@code conntrack -L} output; empty for a line that is no TCP or UDP entry. */
  public static Optional<ConntrackEntry> parse(String line) {
    String[] words = line.strip().split("\\s+");
    if (words.length < 2) {
      return Optional.empty();
    }
    Optional<Transport> protocol = switch (words[0]) {
      case "tcp" -> Optional.of(Transport.TCP);
      case "udp" -> Optional.of(Transport.UDP);
      default -> Optional.empty();
    };
    if (protocol.isEmpty()) {
      return Optional.empty();
    }
    // The first src/dst/sport/dport are the original direction, the second the reply.
    Map<String, String> original = new HashMap<>();
    Map<String, String> reply = new HashMap<>();
    for (String word : words) {
      int eq = word.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = word.substring(0, eq);
      if (!key.equals("src") && !key.equals("dst") && !key.equals("sport") && !key.equals("dport")) {
        continue;
      }
      (original.containsKey(key) ? reply : original).putIfAbsent(key, word.substring(eq + 1));
    }
    try {
      IPAddress origSrc = address(original.get("src"));
      IPAddress origDst = address(original.get("dst"));
      IPAddress replySrc = address(reply.get("src"));
      IPAddress replyDst = address(reply.get("dst"));
      if (origSrc == null || origDst == null || replySrc == null || replyDst == null) {
        return Optional.empty();
      }
      return Optional.of(new ConntrackEntry(IpFamily.of(origSrc), protocol.get(),
          origSrc, origDst, Integer.parseInt(original.get("sport")), Integer.parseInt(original.get("dport")), replySrc, replyDst));
    } catch (NumberFormatException | NullPointerException e) {
      return Optional.empty();
    }
  }

  private static IPAddress address(String text) {
    return text == null ? null : new IPAddressString(text).getAddress();
  }
}
