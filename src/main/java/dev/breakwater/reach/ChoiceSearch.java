package dev.breakwater.reach;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import dev.breakwater.net.Transport;
import dev.breakwater.netfilter.Match;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
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
  /** Field tests per header beyond which the rest are not told apart (2^6 header states each). */
  private static final int MAX_FIELD_TESTS = 6;

  /**
   * One piece of the choice space and its representative's evaluation.
   *
   * @param firstPackets every first packet of the piece (the members of its flag class)
   * @param headers the extension headers of the piece (one state: exact)
   */
  record Tried(PortRange ports, List<Integer> firstPackets, ExtensionHeaders headers, Packet packet,
      PacketEvaluator.Evaluation evaluation) {}

  private record Choice(int port, int flags, ExtensionHeaders headers) {}

  /**
   * @param portsFree whether the sender picks the source port (0-65535: the kernel answers a SYN
   *     from port 0 too, checked with a raw socket); else the template's
   * @param flagsFree whether the sender picks the TCP flags of a first packet; else the template's
   *     The IPv6 extension headers are always the sender's ({@link ExtensionHeaders}): the plain
   *     packet first, then every state of the headers the walks tested.
   */
  static Explored explore(Packet template, boolean portsFree, boolean flagsFree,
      Function<Packet, PacketEvaluator.Evaluation> evaluate) {
    boolean flagsChosen = flagsFree && template.protocol() == Transport.TCP;
    // IPv6 extension headers and IPv4 options: both the sender's ({@link ExtensionHeaders}).
    boolean headersChosen = true;
    Map<Choice, PacketEvaluator.Evaluation> done = new HashMap<>();
    TreeSet<Integer> cuts = new TreeSet<>();
    cuts.add(portsFree ? 0 : template.sourcePort());
    int end = portsFree ? PORTS : template.sourcePort() + 1;
    int tested = 0;
    TreeSet<String> headerTests = new TreeSet<>();
    // The template's own choice first, as the loop below would: when its walk tested no source
    // port, free flag bit or header, no cut is made and it is the only piece (most walks).
    int firstFlags = flagClasses(template, flagsChosen, 0).get(0);
    ExtensionHeaders firstHeaders = template.headers();
    Packet first = template.withChoice(template.sourcePort(), firstFlags, firstHeaders);
    PacketEvaluator.Evaluation firstEvaluation = evaluate.apply(first);
    if ((!portsFree || firstEvaluation.sourcePortTests().isEmpty()) && (firstEvaluation.flagsTested() & TcpFlagBits.FREE) == 0
        && firstEvaluation.headerTests().isEmpty()) {
      Tried only = new Tried(new PortRange(cuts.first(), end - 1), members(firstFlags, flagsChosen, 0), firstHeaders, first,
          firstEvaluation);
      return new Explored(template, List.of(only), portsFree, flagsChosen, 0, Set.of());
    }
    done.put(new Choice(template.sourcePort(), firstFlags, firstHeaders), firstEvaluation);
    if (portsFree) {
      addCuts(cuts, firstEvaluation.sourcePortTests());
    }
    tested |= firstEvaluation.flagsTested() & TcpFlagBits.FREE;
    headerTests.addAll(firstEvaluation.headerTests());
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int low : List.copyOf(cuts)) {
        int port = representative(low, highOf(cuts, low, end), template.sourcePort());
        for (int flags : flagClasses(template, flagsChosen, tested)) {
          for (ExtensionHeaders headers : headerStates(template, headersChosen, headerTests)) {
            Choice key = new Choice(port, flags, headers);
            if (done.containsKey(key)) {
              continue;
            }
            PacketEvaluator.Evaluation e = evaluate.apply(template.withChoice(port, flags, headers));
            done.put(key, e);
            changed = true;
            if (portsFree) {
              addCuts(cuts, e.sourcePortTests());
            }
            tested |= e.flagsTested() & TcpFlagBits.FREE;
            headerTests.addAll(e.headerTests());
          }
        }
      }
    }
    List<Tried> tried = new ArrayList<>();
    for (int low : cuts) {
      int high = highOf(cuts, low, end);
      int port = representative(low, high, template.sourcePort());
      for (int flags : flagClasses(template, flagsChosen, tested)) {
        for (ExtensionHeaders headers : headerStates(template, headersChosen, headerTests)) {
          Packet p = template.withChoice(port, flags, headers);
          tried.add(new Tried(new PortRange(low, high), members(flags, flagsChosen, tested), headers, p,
              Objects.requireNonNull(done.get(new Choice(port, flags, headers)))));
        }
      }
    }
    return new Explored(template, tried, portsFree, flagsChosen, tested, Set.copyOf(headerTests));
  }

  /**
   * Every state of the tested headers, the template's (no header) first: per header kind a test
   * named, absent or present, and when present satisfying any subset of the field tests made on
   * it. Kinds no rule tested stay absent: their presence walks like their absence.
   */
  static List<ExtensionHeaders> headerStates(Packet template, boolean headersChosen, Set<String> headerTests) {
    if (!headersChosen || headerTests.isEmpty()) {
      return List.of(template.headers());
    }
    if (template.family() == IpFamily.V4) {
      return ipv4States(headerTests);
    }
    Map<Match.HeaderKind, List<String>> fieldTests = new TreeMap<>();
    for (String test : headerTests) {
      Match.HeaderKind kind = Match.HeaderKind.valueOf(test.substring(0, test.indexOf(' ')));
      List<String> keys = fieldTests.computeIfAbsent(kind, k -> new ArrayList<>());
      if (test.length() > kind.name().length() + 1 && keys.size() < MAX_FIELD_TESTS) {
        keys.add(test);
      }
    }
    List<ExtensionHeaders> states = new ArrayList<>(List.of(ExtensionHeaders.NONE));
    fieldTests.forEach((kind, keys) -> {
      List<ExtensionHeaders> next = new ArrayList<>(states);
      for (ExtensionHeaders s : states) {
        for (int subset = 0; subset < 1 << keys.size(); subset++) {
          Set<Match.HeaderKind> present = EnumSet.of(kind);
          present.addAll(s.present());
          Set<String> satisfied = new TreeSet<>(s.satisfied());
          for (int i = 0; i < keys.size(); i++) {
            if ((subset & (1 << i)) != 0) {
              satisfied.add(keys.get(i));
            }
          }
          next.add(new ExtensionHeaders(present, satisfied));
        }
      }
      states.clear();
      states.addAll(next);
    });
    return states;
  }

  /** Option classes beyond this many stay absent (3 states each: 729 states at most). */
  private static final int MAX_OPTION_CLASSES = 6;

  /**
   * The IPv4 option sets that walk differently, the plain packet (none) first. Option numbers
   * that every tested (map, invert) pair treats alike form a class; a test sees of a class only
   * whether none, some or all of its numbers are present, so one set per combination of those
   * is enough: exact. Sets of more than {@link ExtensionHeaders#MAX_IPV4_OPTIONS} options cannot be sent.
   */
  static List<ExtensionHeaders> ipv4States(Set<String> headerTests) {
    List<int[]> tests = new ArrayList<>();
    for (String key : headerTests) {
      if (key.startsWith(ExtensionHeaders.IPV4_TEST)) {
        String[] parts = key.substring(ExtensionHeaders.IPV4_TEST.length()).split(" ");
        tests.add(new int[] {Integer.parseUnsignedInt(parts[0], 16), Integer.parseUnsignedInt(parts[1], 16)});
      }
    }
    Map<String, Integer> classes = new LinkedHashMap<>();
    for (int bit = 0; bit < 32; bit++) {
      StringBuilder signature = new StringBuilder();
      boolean tested = false;
      for (int[] t : tests) {
        boolean inMap = (t[0] & (1 << bit)) != 0;
        tested |= inMap;
        signature.append(inMap ? ((t[1] & (1 << bit)) != 0 ? 'i' : 'm') : '-');
      }
      if (tested) {
        classes.merge(signature.toString(), 1 << bit, (a, b) -> a | b);
      }
    }
    List<Integer> states = new ArrayList<>(List.of(0));
    classes.values().stream().limit(MAX_OPTION_CLASSES).forEach(members -> {
      List<Integer> choices = new ArrayList<>(List.of(members & -members));
      if (Integer.bitCount(members) > 1) {
        choices.add(members);
      }
      List<Integer> next = new ArrayList<>(states);
      for (int s : states) {
        for (int c : choices) {
          if (Integer.bitCount(s | c) <= ExtensionHeaders.MAX_IPV4_OPTIONS) {
            next.add(s | c);
          }
        }
      }
      states.clear();
      states.addAll(next);
    });
    return states.stream().distinct().map(ExtensionHeaders::ipv4).toList();
  }

  /** Every tested source-port range's ends become cuts of the port space. */
  private static void addCuts(TreeSet<Integer> cuts, List<PortRange> tests) {
    for (PortRange r : tests) {
      cuts.add(r.first());
      if (r.last() + 1 < PORTS) {
        cuts.add(r.last() + 1);
      }
    }
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
  record Explored(Packet template, List<Tried> tried, boolean portsFree, boolean flagsChosen, int flagsThatMatter,
      Set<String> headerTests) {

    /** The strongest verdict; among equals, the template's own choice, else the first. */
    Tried best() {
      int strength = tried.stream().mapToInt(t -> t.evaluation().verdict().strength()).max().orElseThrow();
      List<Tried> strongest = tried.stream().filter(t -> t.evaluation().verdict().strength() == strength).toList();
      return strongest.stream()
          .filter(t -> t.ports().contains(template.sourcePort()) && t.firstPackets().contains(template.tcpFlags())
              && t.headers().equals(template.headers()))
          .findFirst()
          .orElse(strongest.get(0));
    }

    /**
     * The choices the best verdict needs; empty when every choice gets it. Extension headers are
     * named only when the plain packet (none) does not get through with those ports and flags:
     * that a routing header of type 0 is dropped where a plain SYN is accepted is no condition.
     */
    List<AttackerChoice> needs() {
      int strength = best().evaluation().verdict().strength();
      if (strength == 0 || tried.stream().allMatch(t -> t.evaluation().verdict().strength() == strength)) {
        return List.of();
      }
      List<ExtensionHeaders> allHeaders = tried.stream().map(Tried::headers).distinct().toList();
      // Per port piece, the header states and first packets that get through; equal neighbours joined.
      Map<PortRange, Map<ExtensionHeaders, List<Integer>>> byPorts = new LinkedHashMap<>();
      for (Tried t : tried) {
        if (t.evaluation().verdict().strength() == strength) {
          byPorts.computeIfAbsent(t.ports(), k -> new LinkedHashMap<>())
              .computeIfAbsent(t.headers(), k -> new ArrayList<>()).addAll(t.firstPackets());
        }
      }
      Map<Map<ExtensionHeaders, List<Integer>>, List<PortRange>> byPackets = new LinkedHashMap<>();
      byPorts.forEach((ports, packets) -> {
        Map<ExtensionHeaders, List<Integer>> key = new LinkedHashMap<>();
        packets.forEach((h, flags) -> key.put(h, flags.stream().sorted().toList()));
        List<PortRange> ranges = byPackets.computeIfAbsent(key, k -> new ArrayList<>());
        PortRange last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
        if (last != null && last.last() + 1 == ports.first()) {
          ranges.set(ranges.size() - 1, new PortRange(last.first(), ports.last()));
        } else {
          ranges.add(ports);
        }
      });
      int allFlags = flagsChosen ? TcpFlagBits.FIRST_PACKETS.size() : 1;
      List<AttackerChoice> out = new ArrayList<>();
      byPackets.forEach((packets, ranges) -> {
        boolean anyPort = ranges.size() == 1 && ranges.get(0).first() == tried.get(0).ports().first()
            && ranges.get(0).last() == tried.get(tried.size() - 1).ports().last();
        List<PortRange> ports = anyPort || !portsFree ? List.of() : ranges;
        // Every header state with the same first packets: the headers are free.
        boolean anyHeaders = packets.size() == allHeaders.size() && packets.values().stream().distinct().count() == 1;
        Map<List<Integer>, List<ExtensionHeaders>> headersByFlags = new LinkedHashMap<>();
        packets.forEach((h, flags) -> headersByFlags.computeIfAbsent(flags, k -> new ArrayList<>()).add(h));
        // The plain packet among them: every client sends one, so the headers are no need.
        headersByFlags.forEach((flags, headers) -> out.add(new AttackerChoice(ports,
            flags.size() == allFlags || !flagsChosen ? List.of() : flags, flagsThatMatter,
            anyHeaders || headers.contains(ExtensionHeaders.NONE) ? List.of() : headers, headerTests)));
      });
      // A choice that needs nothing: the usual packet gets through.
      if (out.stream().anyMatch(c -> c.sourcePorts().isEmpty() && c.firstPackets().isEmpty() && c.headers().isEmpty())) {
        return List.of();
      }
      return out;
    }
  }
}
