package dev.breakwater.reach;

import dev.breakwater.net.PortRange;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a sender must choose for its first packet to get through, when not every choice does: the
 * source port, for TCP the flags of the SYN ({@link TcpFlagBits#FIRST_PACKETS}) and for IPv6 the
 * extension headers ({@link ExtensionHeaders}). Any listed port combined with any listed first
 * packet and any listed headers gets through.
 *
 * @param sourcePorts the source ports that get through; empty when any does
 * @param firstPackets the TCP flags of the first packets that get through; empty when any does
 * @param flagsThatMatter the flag bits the rules on the way test: the others are free
 * @param headers the IPv6 extension headers that get through ({@link ExtensionHeaders}); empty
 *     when any do
 * @param headerTests the extension-header tests the rules on the way made, for the wording
 */
public record AttackerChoice(List<PortRange> sourcePorts, List<Integer> firstPackets, int flagsThatMatter,
    List<ExtensionHeaders> headers, Set<String> headerTests) {

  public AttackerChoice {
    sourcePorts = List.copyOf(sourcePorts);
    firstPackets = List.copyOf(firstPackets);
    headers = List.copyOf(headers);
    headerTests = Set.copyOf(headerTests);
  }

  /** Ports and first packets only: no extension header tested. */
  public AttackerChoice(List<PortRange> sourcePorts, List<Integer> firstPackets, int flagsThatMatter) {
    this(sourcePorts, firstPackets, flagsThatMatter, List.of(), Set.of());
  }

  /** {@code only from source port 443 with a SYN,PSH first packet (ECE, CWR either way)}. */
  public String describe() {
    StringBuilder out = new StringBuilder("only");
    if (!sourcePorts.isEmpty()) {
      out.append(" from source port").append(sourcePorts.size() > 1 || !sourcePorts.get(0).isSingle() ? "s " : " ")
          .append(sourcePorts.stream().map(PortRange::toString).collect(Collectors.joining(", ")));
    }
    if (!firstPackets.isEmpty()) {
      int shown = TcpFlagBits.SYN | (flagsThatMatter & TcpFlagBits.FREE);
      String kinds = firstPackets.stream().map(f -> f & shown).distinct().sorted()
          .map(TcpFlagBits::names).collect(Collectors.joining(" or "));
      int free = TcpFlagBits.FREE & ~flagsThatMatter;
      out.append(" with a ").append(kinds).append(" first packet")
          .append(free == 0 ? "" : " (" + TcpFlagBits.names(free).replace(",", ", ") + " either way)");
    }
    if (!headers.isEmpty()) {
      out.append(" with ").append(headers.stream().map(h -> h.describe(headerTests)).collect(Collectors.joining(" or ")));
    }
    return out.toString();
  }
}
