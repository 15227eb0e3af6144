package dev.breakwater.reach;

import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The sender's choices for one source and destination, explored exactly: its source port and, for
 * TCP, the flags of its first packet. As {@link SourceSplit} does with addresses, a choice is
 * evaluated through one representative and every source-port range or flag mask a match on its
 * way tested becomes a cut; the space is cut until every piece holds only choices that walk the
 * same way. Rules that test neither leave one piece: one evaluation, the template packet's.
 */
final class ChoiceSearch {
  private static final int PORTS = 65536;

  /**
   * One piece of the choice space and its representative's evaluation.
   *
   * @param firstPackets every first packet of the piece (the members of its flag class)
   */
  record Tried(PortRange ports, List<Integer> firstPackets, Packet packet, PacketEvaluator.Evaluation evaluation) {}

  /**
   * @param portsFree whether the sender picks the source port (0-65535: the kernel answers a SYN
   *     from port 0 too, checked with a raw socket); else the template's
   * @param flagsFree whether the sender picks the TCP flags of a first packet; else the template's
   */
  static Explored explore(Packet template, boolean portsFree, boolean flagsFree,
      Function<Packet, PacketEvaluator.Evaluation> evaluate) {
    boolean flagsChosen = flagsFree && template.protocol() == Transport.TCP;
    Map<Long, PacketEvaluator.Evaluation> done = new HashMap<>();
    TreeSet<Integer> cuts = new TreeSet<>();
    cuts.add(portsFree ? 0 : template.sourcePort());
    int end = portsFree ? PORTS : template.sourcePort() + 1;
    int tested = 0;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int low : List.copyOf(cuts)) {
        int port = representative(low, highOf(cuts, low, end), template.sourcePort());
        for (int flags : flagClasses(template, flagsChosen, tested)) {
          long key = ((long) port << 8) | flags;
          if (done.containsKey(key)) {
            continue;
          }
          PacketEvaluator.Evaluation e = evaluate.apply(template.withChoice(port, flags));
          done.put(key, e);
          changed = true;
          if (portsFree) {
            for (PortRange r : e.sourcePortTests()) {
              cuts.add(r.first());
              if (r.last() + 1 < PORTS) {
                cuts.add(r.last() + 1);
              }
            }
          }
          tested |= e.flagsTested() & TcpFlagBits.FREE;
        }
      }
    }
    List<Tried> tried = new ArrayList<>();
    for (int low : cuts) {
      int high = highOf(cuts, low, end);
      int port = representative(low, high, template.sourcePort());
      for (int flags : flagClasses(template, flagsChosen, tested)) {
        Packet p = template.withChoice(port, flags);
        tried.add(new Tried(new PortRange(low, high), members(flags, flagsChosen, tested), p,
            Objects.requireNonNull(done.get(((long) port << 8) | flags))));
      }
    }
    return new Explored(template, tried, portsFree, flagsChosen, tested);
  }

  private static int highOf(TreeSet<Integer> cuts, int low, int end) {
    Integer next = cuts.higher(low);
    return (next == null ? end : next) - 1;
  }

  /** The template's port when the piece holds it (the first evaluation is the usual packet's). */
  private static int representative(int low, int high, int preferred) {
    return low <= preferred && preferred <= high ? preferred : low;
  }

  /** One first packet per combination of the tested free bits, plain SYN first. */
  private static List<Integer> flagClasses(Packet template, boolean flagsChosen, int tested) {
    if (!flagsChosen) {
      return List.of(template.tcpFlags());
    }
    List<Integer> out = new ArrayList<>();
    for (int s = 0; s <= TcpFlagBits.FREE; s++) {
      if ((s & ~tested) == 0) {
        out.add(TcpFlagBits.SYN | s);
      }
    }
    return out;
  }

  private static List<Integer> members(int flags, boolean flagsChosen, int tested) {
    if (!flagsChosen) {
      return List.of(flags);
    }
    return TcpFlagBits.FIRST_PACKETS.stream().filter(f -> (f & tested) == (flags & tested)).toList();
  }

  /** The pieces of one exploration; the best of them is what the source can do. */
  record Explored(Packet template, List<Tried> tried, boolean portsFree, boolean flagsChosen, int flagsThatMatter) {

    /** The strongest verdict; among equals, the template's own choice, else the first. */
    Tried best() {
      int strength = tried.stream().mapToInt(t -> t.evaluation().verdict().strength()).max().orElseThrow();
      List<Tried> strongest = tried.stream().filter(t -> t.evaluation().verdict().strength() == strength).toList();
      return strongest.stream()
          .filter(t -> t.ports().contains(template.sourcePort()) && t.firstPackets().contains(template.tcpFlags()))
          .findFirst()
          .orElse(strongest.get(0));
    }

    /** The choices the best verdict needs; empty when every choice gets it. */
    List<AttackerChoice> needs() {
      int strength = best().evaluation().verdict().strength();
      if (strength == 0 || tried.stream().allMatch(t -> t.evaluation().verdict().strength() == strength)) {
        return List.of();
      }
      // Per port piece, the first packets that get through; equal neighbours joined.
      Map<PortRange, List<Integer>> byPorts = new LinkedHashMap<>();
      for (Tried t : tried) {
        if (t.evaluation().verdict().strength() == strength) {
          byPorts.computeIfAbsent(t.ports(), k -> new ArrayList<>()).addAll(t.firstPackets());
        }
      }
      Map<List<Integer>, List<PortRange>> byFlags = new LinkedHashMap<>();
      byPorts.forEach((ports, flags) -> {
        List<Integer> key = flags.stream().sorted().toList();
        List<PortRange> ranges = byFlags.computeIfAbsent(key, k -> new ArrayList<>());
        PortRange last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
        if (last != null && last.last() + 1 == ports.first()) {
          ranges.set(ranges.size() - 1, new PortRange(last.first(), ports.last()));
        } else {
          ranges.add(ports);
        }
      });
      int allFlags = flagsChosen ? TcpFlagBits.FIRST_PACKETS.size() : 1;
      List<AttackerChoice> out = new ArrayList<>();
      byFlags.forEach((flags, ranges) -> {
        boolean anyPort = ranges.size() == 1 && ranges.get(0).first() == tried.get(0).ports().first()
            && ranges.get(0).last() == tried.get(tried.size() - 1).ports().last();
        out.add(new AttackerChoice(anyPort || !portsFree ? List.of() : ranges,
            flags.size() == allFlags || !flagsChosen ? List.of() : flags, flagsThatMatter));
      });
      return out;
    }
  }
}
