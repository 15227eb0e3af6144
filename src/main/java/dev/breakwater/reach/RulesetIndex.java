package dev.breakwater.reach;

import dev.breakwater.netfilter.Ruleset;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.UnseenTable;
import java.util.List;
import inet.ipaddr.IPAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One family's ruleset with each chain's {@link ChainIndex}, built on first use. */
final class RulesetIndex {
  private final Ruleset ruleset;
  private final Map<TableName, Map<String, Optional<ChainIndex>>> chains = new java.util.EnumMap<>(TableName.class);

  /** The address range of each prefix a rule tests, by identity: rules keep their prefix objects. */
  private final Map<IPAddress, Span> spans = new java.util.IdentityHashMap<>();

  Span span(IPAddress prefix) {
    return spans.computeIfAbsent(prefix, Span::of);
  }

  /** Each DNAT/REDIRECT rule's base port ({@link NatPortMapping#base}), read once: a walk per packet asks. */
  private final Map<dev.breakwater.netfilter.Rule, Optional<Integer>> natBases = new java.util.IdentityHashMap<>();

  Optional<Integer> natBase(dev.breakwater.netfilter.Rule rule) {
    return natBases.computeIfAbsent(rule, r -> NatPortMapping.base(r.text()));
  }

  /** An ipset's members of one family, sorted once, by identity of the member list. */
  private final Map<java.util.List<IPAddress>, MemberSpans> v4Members = new java.util.IdentityHashMap<>();
  private final Map<java.util.List<IPAddress>, MemberSpans> v6Members = new java.util.IdentityHashMap<>();

  MemberSpans members(java.util.List<IPAddress> members, dev.breakwater.net.IpFamily family) {
    return (family == dev.breakwater.net.IpFamily.V4 ? v4Members : v6Members)
        .computeIfAbsent(members, m -> new MemberSpans(m, family));
  }

  /** False only in tests: every rule is a candidate, to check the index changes no answer. */
  private final boolean indexed;

  RulesetIndex(Ruleset ruleset) {
    this(ruleset, true);
  }

  RulesetIndex(Ruleset ruleset, boolean indexed) {
    this.ruleset = ruleset;
    this.indexed = indexed;
  }

  Ruleset ruleset() {
    return ruleset;
  }

  private Map<String, dev.breakwater.netfilter.Rule> setWriters;

  /**
   * The ipsets a rule fills or empties as packets pass ({@code -j SET --add-set NAME} or
   * {@code --del-set NAME}, xt_set's set_target: port knocking, "recent offenders"), each with
   * the first rule that writes it. Their snapshot contents say nothing about the next packet.
   */
  Optional<dev.breakwater.netfilter.Rule> setWriter(String set) {
    if (setWriters == null) {
      setWriters = new HashMap<>();
      for (dev.breakwater.netfilter.Table table : ruleset.tables().values()) {
        for (dev.breakwater.netfilter.Chain chain : table.chains().values()) {
          for (dev.breakwater.netfilter.Rule rule : chain.rules()) {
            if (rule.target() instanceof dev.breakwater.netfilter.Target.Continue c && c.name().equals("SET")) {
              writtenSets(c.text()).forEach(name -> setWriters.putIfAbsent(name, rule));
            }
          }
        }
      }
    }
    return Optional.ofNullable(setWriters.get(set));
  }

  /** The set names after {@code --add-set} and {@code --del-set} in a SET target's options. */
  static List<String> writtenSets(String options) {
    return optionValues(options, Set.of("--add-set", "--del-set")).stream().map(name -> name.replace("\"", "")).toList();
  }

  /** The word after each of {@code flags} in a rule's options as iptables-save prints them, in order. */
  static List<String> optionValues(String options, Set<String> flags) {
    String[] words = options.trim().split("\\s+");
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i + 1 < words.length; i++) {
      if (flags.contains(words[i])) {
        out.add(words[i + 1]);
      }
    }
    return out;
  }

  private List<Integer> destinationPorts;

  /**
   * One destination port of every piece the ruleset's destination-port tests cut the port space
   * into ({@code --dport}, {@code --dports}, {@code --port}): each range's first port and the
   * ports just outside it, so a negated test is met too. Where an unseen nat table may send a
   * packet, these are the ports that can walk differently; any other port walks as one of them.
   */
  List<Integer> destinationPortRepresentatives() {
    if (destinationPorts == null) {
      java.util.TreeSet<Integer> ports = new java.util.TreeSet<>();
      for (dev.breakwater.netfilter.Table table : ruleset.tables().values()) {
        for (dev.breakwater.netfilter.Chain chain : table.chains().values()) {
          for (dev.breakwater.netfilter.Rule rule : chain.rules()) {
            for (dev.breakwater.netfilter.Match m : rule.matches()) {
              if (m instanceof dev.breakwater.netfilter.Match.Ports p
                  && p.field() != dev.breakwater.netfilter.Match.PortField.SOURCE) {
                for (dev.breakwater.net.PortRange r : p.ranges()) {
                  ports.add(r.first());
                  ports.add(Math.max(1, r.first() - 1));
                  ports.add(Math.min(65535, r.last() + 1));
                }
              }
            }
          }
        }
      }
      if (ports.isEmpty()) {
        ports.add(1);
      }
      destinationPorts = List.copyOf(ports);
    }
    return destinationPorts;
  }

  private final Map<TableName, List<UnseenTable>> unseen = new java.util.EnumMap<>(TableName.class);

  /** The parts of {@code table} the dump does not show (see {@link Ruleset#unseen()}). */
  List<UnseenTable> unseen(TableName table) {
    return unseen.computeIfAbsent(table, ruleset::unseen);
  }

  private final Map<dev.breakwater.netfilter.Hook, List<HookStation>> stations =
      new java.util.EnumMap<>(dev.breakwater.netfilter.Hook.class);

  /**
   * The base chains {@code hook} runs, in the kernel's order: iptables' tables (only those the
   * dump has, or has unseen parts of) and the nft base chains of this family. Stations of equal
   * priority keep iptables first, then nft's in file order: the kernel orders them by
   * registration, which no dump shows; for accept and drop the order does not matter (all must
   * accept), and nat chains of equal priority are rare.
   */
  List<HookStation> stations(dev.breakwater.netfilter.Hook hook) {
    return stations.computeIfAbsent(hook, this::computeStations);
  }

  private List<HookStation> computeStations(dev.breakwater.netfilter.Hook hook) {
    List<HookStation> out = new java.util.ArrayList<>();
    for (TableName table : iptablesTables(hook)) {
      int priority = dev.breakwater.netfilter.BaseChain.iptablesPriority(table, hook);
      out.add(new HookStation.Iptables(table, priority, priority));
    }
    for (dev.breakwater.netfilter.NftTable table : ruleset.nftTables()) {
      for (dev.breakwater.netfilter.BaseChain base : table.baseChains()) {
        if (base.hook() != hook) {
          continue;
        }
        boolean nat = base.type() == dev.breakwater.netfilter.BaseChain.Type.NAT;
        out.add(new HookStation.Nft(table, base,
            nat ? dev.breakwater.netfilter.BaseChain.natPriority(hook) : base.priority(), base.priority()));
      }
    }
    // A stable sort: equal keys keep iptables first, then nft's in file order.
    out.sort(java.util.Comparator.comparingInt(HookStation::priority).thenComparingInt(HookStation::subPriority));
    return List.copyOf(out);
  }

  /** The iptables tables with a built-in chain at {@code hook}, as the kernel registers them. */
  private static List<TableName> iptablesTables(dev.breakwater.netfilter.Hook hook) {
    return switch (hook) {
      case INGRESS -> List.of();
      case PREROUTING -> List.of(TableName.RAW, TableName.MANGLE, TableName.NAT);
      case INPUT -> List.of(TableName.MANGLE, TableName.FILTER, TableName.SECURITY, TableName.NAT);
      case FORWARD -> List.of(TableName.MANGLE, TableName.FILTER, TableName.SECURITY);
      case OUTPUT -> List.of(TableName.RAW, TableName.MANGLE, TableName.NAT, TableName.FILTER, TableName.SECURITY);
      case POSTROUTING -> List.of(TableName.MANGLE, TableName.NAT);
    };
  }

  /** Whether the ruleset has nft tables beside iptables': then the walk weighs their chains' verdicts too. */
  boolean hasNftTables() {
    return !ruleset.nftTables().isEmpty();
  }

  private final Map<String, Map<String, Optional<ChainIndex>>> nftChains = new HashMap<>();

  /** A chain of the nft table labelled {@code table} ({@code inet firewalld}). */
  Optional<ChainIndex> nftChain(String table, String name) {
    Map<String, Optional<ChainIndex>> byName = nftChains.computeIfAbsent(table, t -> new HashMap<>());
    Optional<ChainIndex> chain = byName.get(name);
    if (chain == null) {
      chain = ruleset.nftTables().stream().filter(t -> t.label().equals(table)).findFirst()
          .flatMap(t -> t.chain(name)).map(c -> new ChainIndex(c, indexed));
      byName.put(name, chain);
    }
    return chain;
  }

  /** The chain a rule of {@code from} jumps to: in its own nft table, or in its iptables table. */
  Optional<ChainIndex> chain(dev.breakwater.netfilter.Chain from, String name) {
    return from.nftTable().isPresent() ? nftChain(from.nftTable().get(), name) : chain(from.table(), name);
  }

  boolean hasTable(TableName table) {
    return ruleset.tables().containsKey(table);
  }

  Optional<ChainIndex> chain(TableName table, String name) {
    Map<String, Optional<ChainIndex>> byName = chains.get(table);
    if (byName == null) {
      byName = new HashMap<>();
      chains.put(table, byName);
    }
    Optional<ChainIndex> chain = byName.get(name);
    if (chain == null) {
      chain = ruleset.chain(table, name).map(c -> new ChainIndex(c, indexed));
      byName.put(name, chain);
    }
    return chain;
  }
}
