package dev.breakwater.reach;

import dev.breakwater.net.PortRange;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a sender must choose for its first packet to get through, when not every choice does: the
 * source port and, for TCP, the flags of the SYN ({@link TcpFlagBits#FIRST_PACKETS}). Any listed
 * port combined with any listed first packet gets through.
 *
 * @param sourcePorts the source ports that get through; empty when any does
 * @param firstPackets the TCP flags of the first packets that get through; empty when any does
 * @param flagsThatMatter the flag bits the rules on the way test: the others are free
 */
public record AttackerChoice(List<PortRange> sourcePorts, List<Integer> firstPackets, int flagsThatMatter) {

  public AttackerChoice {
    sourcePorts = List.copyOf(sourcePorts);
    firstPackets = List.copyOf(firstPackets);
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
    return out.toString();
  }
}
