package dev.breakwater.netfilter;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which table an {@code iptables -S} listing is. The listing never says: iptables prints the
 * {@code -P} lines of the table's built-in chains, then {@code -N} for user chains, then the
 * {@code -A} rules, for one table ({@code -t nat -S} for nat). So:
 *
 * <ol>
 *   <li>a rule with a nat target (DNAT, SNAT, MASQUERADE, REDIRECT, NETMAP) makes it nat: only nat
 *       accepts them;
 *   <li>else the {@code -P} lines name exactly one table's built-in chains: raw (PREROUTING,
 *       OUTPUT), nat (PREROUTING, INPUT, OUTPUT, POSTROUTING), mangle (all five), filter (INPUT,
 *       FORWARD, OUTPUT; security when a rule uses SECMARK or CONNSECMARK);
 *   <li>else (a paste cut short, {@code iptables -S FORWARD}) it is a guess: nat when PREROUTING or
 *       POSTROUTING appear, filter otherwise; the guess is an {@link UnseenTable} of the guessed
 *       table, so answers that depend on it say "possibly".
 * </ol>
 *
 * A {@code -P} line after {@code -N} or {@code -A} lines starts the next listing: two pastes, one
 * file.
 */
final class ListingTable {
  private ListingTable() {}

  private static final Map<TableName, Set<String>> BUILTINS = Map.of(
      TableName.RAW, Set.of("PREROUTING", "OUTPUT"),
      TableName.MANGLE, Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
      TableName.NAT, Set.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
      TableName.FILTER, Set.of("INPUT", "FORWARD", "OUTPUT"),
      TableName.SECURITY, Set.of("INPUT", "FORWARD", "OUTPUT"));
  private static final Set<String> NAT_TARGETS = Set.of("DNAT", "SNAT", "MASQUERADE", "REDIRECT", "NETMAP");
  private static final Set<String> SECURITY_TARGETS = Set.of("SECMARK", "CONNSECMARK");

  /**
   * One table's listing.
   *
   * @param firstLine the first line that is not a comment or blank
   * @param undeclaredBuiltins built-in chains with rules but no {@code -P} line (a cut paste)
   * @param unseen present when the table was guessed
   */
  record Section(int firstLine, int lastLine, TableName table, List<String> undeclaredBuiltins,
      Optional<UnseenTable> unseen) {}

  /** An iptables -S listing: its first line that is not a comment is {@code -P}, {@code -N} or {@code -A}. */
  static boolean isListing(String text) {
    for (String line : text.split("\n", -1)) {
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      return s.startsWith("-P ") || s.startsWith("-N ") || s.startsWith("-A ")
          || s.startsWith("--policy ") || s.startsWith("--new-chain ") || s.startsWith("--append ");
    }
    return false;
  }

  static List<Section> sections(String text, String source) {
    List<Section> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    Collector current = null;
    for (int i = 0; i < lines.length; i++) {
      String s = lines[i].strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      String[] words = s.split("[ \t]+");
      boolean policy = words[0].equals("-P") || words[0].equals("--policy");
      if (current == null || (policy && current.pastPolicies)) {
        if (current != null) {
          out.add(current.section(source));
        }
        current = new Collector(i + 1);
      }
      current.add(words, i + 1);
    }
    if (current != null) {
      out.add(current.section(source));
    }
    return out;
  }

  /** The chain names and targets of one listing, as it is read. */
  private static final class Collector {
    final int firstLine;
    int lastLine;
    boolean pastPolicies;
    final Set<String> policies = new LinkedHashSet<>();
    final Set<String> created = new LinkedHashSet<>();
    final Set<String> ruleChains = new LinkedHashSet<>();
    final Set<String> targets = new LinkedHashSet<>();

    Collector(int firstLine) {
      this.firstLine = firstLine;
    }

    void add(String[] words, int line) {
      lastLine = line;
      String chain = words.length > 1 ? words[1] : "";
      switch (words[0]) {
        case "-P", "--policy" -> policies.add(chain);
        case "-N", "--new-chain" -> {
          created.add(chain);
          pastPolicies = true;
        }
        default -> {
          ruleChains.add(chain);
          pastPolicies = true;
          for (int w = 2; w + 1 < words.length; w++) {
            if (words[w].equals("-j") || words[w].equals("--jump")) {
              targets.add(words[w + 1]);
            }
          }
        }
      }
    }

    Section section(String source) {
      Optional<TableName> known = known();
      Set<String> builtinsUsed = new LinkedHashSet<>(policies);
      ruleChains.stream().filter(c -> !created.contains(c)).forEach(builtinsUsed::add);
      TableName table = known.orElseGet(() -> builtinsUsed.contains("PREROUTING") || builtinsUsed.contains("POSTROUTING")
          ? TableName.NAT : TableName.FILTER);
      List<String> undeclared = ruleChains.stream()
          .filter(c -> BUILTINS.get(table).contains(c) && !policies.contains(c) && !created.contains(c))
          .toList();
      Optional<UnseenTable> unseen = known.isPresent() ? Optional.empty()
          : Optional.of(new UnseenTable(table, true, source + ":" + firstLine + "-" + lastLine
              + ": an 'iptables -S' listing whose -P lines do not say its table; read as " + table.label()
              + ", which it may not be, and whose other chains are not shown"));
      return new Section(firstLine, lastLine, table, undeclared, unseen);
    }

    private Optional<TableName> known() {
      if (targets.stream().anyMatch(NAT_TARGETS::contains)) {
        return Optional.of(TableName.NAT);
      }
      for (TableName t : List.of(TableName.RAW, TableName.NAT, TableName.MANGLE, TableName.FILTER)) {
        if (BUILTINS.get(t).equals(policies)) {
          boolean security = t == TableName.FILTER && targets.stream().anyMatch(SECURITY_TARGETS::contains);
          return Optional.of(security ? TableName.SECURITY : t);
        }
      }
      return Optional.empty();
    }
  }
}
