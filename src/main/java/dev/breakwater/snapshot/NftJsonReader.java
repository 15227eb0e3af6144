package dev.breakwater.snapshot;

import dev.breakwater.net.IpFamily;
import dev.breakwater.net.PortRange;
import dev.breakwater.netfilter.BaseChain;
import dev.breakwater.netfilter.Chain;
import dev.breakwater.netfilter.Counters;
import dev.breakwater.netfilter.Hook;
import dev.breakwater.netfilter.Match;
import dev.breakwater.netfilter.NftFamily;
import dev.breakwater.netfilter.NftTable;
import dev.breakwater.netfilter.Rule;
import dev.breakwater.netfilter.TableName;
import dev.breakwater.netfilter.Target;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads {@code nft -j list ruleset} into Breakwater's rule model, as the packets of one IP family
 * see it: the engine walks these tables' base chains beside iptables' tables.
 *
 * <p>Why one reading per family: an {@code inet} table holds rules for both, and nft gives a match
 * on another protocol's header an implicit {@code meta nfproto} dependency ({@code ip saddr} in an
 * inet table never matches an IPv6 packet; nft's src/payload.c, payload_gen_dependency). Read for
 * IPv6, such a rule is left out; {@code meta nfproto ipv6} is then always true and is left out of
 * the rule, {@code meta nfproto ipv4} always false and the rule left out. A {@code dnat ip to} in
 * an inet table does nothing to an IPv6 packet and the rule goes on (nft_nat_inet_eval): it is
 * read as a rule that only continues.
 *
 * <p>Sets and maps are resolved into the rules: a set lookup becomes {@link Match.AnyOf} of its
 * elements, a verdict map ({@code oifname vmap @filter-forward-in-jumps}) one rule per element at
 * the same position and handle. The keys of a map are distinct, so at most one element's rule
 * matches a packet: the rules in sequence decide exactly what the one lookup decides. A set filled
 * at run time (flagged {@code dynamic} or {@code timeout}, or written by a rule's {@code add}/{@code
 * update}) is unknown: what it held at snapshot time is not what it holds when the packet comes.
 *
 * <p>iptables-nft keeps iptables' rules in {@code ip}/{@code ip6} tables named {@code filter},
 * {@code nat}... that iptables-save also shows; those are skipped when the iptables dump has them,
 * so that they are not walked twice. A table of that name that iptables-save does not show was
 * written with nft and is read here.
 */
public final class NftJsonReader {
  private static final String PRODUCED_BY = "nft -j list ruleset";

  private final IpFamily view;
  private final Set<TableName> shownByIptables;
  private final Map<String, JsonValue> sets = new HashMap<>();
  private final Set<String> runtimeSets = new LinkedHashSet<>();

  private NftJsonReader(IpFamily view, Set<TableName> shownByIptables) {
    this.view = view;
    this.shownByIptables = Set.copyOf(shownByIptables);
  }

  /**
   * @param view the IP family whose packets the rules are read for
   * @param shownByIptables the tables the iptables dump of {@code view}'s family holds: iptables-nft's
   *     {@code ip}/{@code ip6} tables of those names are not returned
   * @throws dev.breakwater.problem.InputProblem at the file, line and column of a value of the wrong shape
   */
  public static List<NftTable> read(String text, String source, IpFamily view, Set<TableName> shownByIptables) {
    return read(parse(text, source), view, shownByIptables);
  }

  /** nft-ruleset.json parsed once, to be read for each family. */
  public static final class Parsed {
    private final Optional<JsonDocument> document;

    private Parsed(Optional<JsonDocument> document) {
      this.document = document;
    }
  }

  /** @throws dev.breakwater.problem.InputProblem for text that is not JSON */
  public static Parsed parse(String text, String source) {
    return new Parsed(text.isBlank() ? Optional.empty() : Optional.of(JsonDocument.parse(text, source, PRODUCED_BY)));
  }

  /** As {@link #read(String, String, IpFamily, Set)}, on a document parsed once for both families. */
  public static List<NftTable> read(Parsed parsed, IpFamily view, Set<TableName> shownByIptables) {
    return parsed.document.map(d -> new NftJsonReader(view, shownByIptables).read(d)).orElse(List.of());
  }

  /** The labels ({@code inet firewalld}) of the tables that have parts the engine cannot know. */
  public static List<String> withUnknownParts(List<NftTable> tables) {
    return tables.stream().filter(t -> !t.unknown().isEmpty()).map(NftTable::label).toList();
  }

  private record RawChain(String name, int handle, Optional<BaseChain> base, List<JsonValue> rules) {}

  private List<NftTable> read(JsonDocument document) {
    Map<String, NftFamily> families = new LinkedHashMap<>();
    Map<String, Map<String, RawChain>> chains = new LinkedHashMap<>();
    for (JsonValue root : document.roots()) {
      if (!root.node().isObject() || !root.get("nftables").present()) {
        throw root.problem("expected {\"nftables\": [...]}, as " + PRODUCED_BY + " prints");
      }
      for (JsonValue item : root.get("nftables").elements("an array of nftables objects")) {
        if (item.get("table").present()) {
          JsonValue t = item.get("table");
          NftFamily family = family(t);
          String key = key(family, name(t, "name"));
          families.put(key, family);
          chains.putIfAbsent(key, new LinkedHashMap<>());
        } else if (item.get("chain").present()) {
          JsonValue c = item.get("chain");
          String key = key(family(c), name(c, "table"));
          String chainName = name(c, "name");
          chains.computeIfAbsent(key, k -> new LinkedHashMap<>())
              .put(chainName, new RawChain(chainName, c.get("handle").integer().orElse(0), baseChain(c, chainName),
                  new ArrayList<>()));
        } else if (item.get("rule").present()) {
          JsonValue r = item.get("rule");
          String key = key(family(r), name(r, "table"));
          String chainName = name(r, "chain");
          RawChain chain = Optional.ofNullable(chains.get(key)).map(m -> m.get(chainName))
              .orElseThrow(() -> r.problem("expected the rule's chain '" + chainName + "' to be listed before it"));
          chain.rules().add(r);
          findSetWrites(key, r.get("expr"));
        } else if (item.get("set").present() || item.get("map").present()) {
          JsonValue s = item.get("set").present() ? item.get("set") : item.get("map");
          String key = key(family(s), name(s, "table"));
          String setName = name(s, "name");
          sets.put(key + "@" + setName, s);
          List<String> flags = s.get("flags").node() != null && s.get("flags").node().isString()
              ? List.of(s.get("flags").string("")) : s.get("flags").strings();
          if (flags.contains("dynamic") || flags.contains("timeout") || s.get("timeout").present()) {
            runtimeSets.add(key + "@" + setName);
          }
        }
      }
    }
    List<NftTable> tables = new ArrayList<>();
    for (Map.Entry<String, NftFamily> e : families.entrySet()) {
      NftFamily family = e.getValue();
      String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
      // A table of the other IP family never sees this family's packets: not read for it. Bridge
      // tables are read, for the note that they are not walked.
      if (isIptablesNftTable(family, name) || (!family.sees(view) && family != NftFamily.BRIDGE)) {
        continue;
      }
      tables.add(table(family, name, e.getKey(), chains.getOrDefault(e.getKey(), Map.of())));
    }
    return tables;
  }

  /** iptables-nft's own table, which the iptables dump of this family already shows. */
  private boolean isIptablesNftTable(NftFamily family, String name) {
    NftFamily own = view == IpFamily.V4 ? NftFamily.IP : NftFamily.IP6;
    return family == own && TableName.tryParse(name).filter(shownByIptables::contains).isPresent();
  }

  private NftTable table(NftFamily family, String name, String key, Map<String, RawChain> raw) {
    String label = NftTable.label(family, name);
    // A table's rules are read for the family its packets have: ip and ip6 tables see only their own.
    IpFamily packets = family == NftFamily.IP ? IpFamily.V4 : family == NftFamily.IP6 ? IpFamily.V6 : view;
    Map<String, TableName> types = chainTypes(raw);
    List<String> unknown = new ArrayList<>();
    Map<String, Chain> chains = new LinkedHashMap<>();
    List<BaseChain> baseChains = new ArrayList<>();
    for (RawChain c : raw.values()) {
      TableName type = types.getOrDefault(c.name(), TableName.FILTER);
      List<Rule> rules = new ArrayList<>();
      int position = 0;
      for (JsonValue r : c.rules()) {
        position++;
        rules.addAll(new RuleReader(key, label, type, c.name(), position, packets, unknown).read(r));
      }
      Optional<Chain.Policy> policy = c.base().map(BaseChain::policy);
      chains.put(c.name(), new Chain(type, Optional.of(label), c.name(), policy, Counters.NONE, c.handle(), rules));
      // arp tables never see an IP packet. A bridge table does: a packet routed out through a
      // bridge passes the bridge family's output and postrouting hooks on its way to the port
      // (__br_forward, net/bridge/br_forward.c, NF_BR_LOCAL_OUT when the bridge device sent it),
      // which the walk does not model: said as unknown, so answers are "possibly".
      if (c.base().isPresent() && family == NftFamily.BRIDGE) {
        unknown.add(NftTable.BRIDGED + " (chain " + c.name() + ", hook " + c.base().get().hook().label() + ")");
      } else if (c.base().isPresent() && family != NftFamily.ARP) {
        baseChains.add(c.base().get());
      }
    }
    return new NftTable(family, name, chains, baseChains, unknown.stream().distinct().toList());
  }

  /**
   * The iptables table each chain plays: a base chain's by its type, a regular chain the type of
   * the first base chain (in file order) that reaches it by jump, goto or verdict map.
   */
  private static Map<String, TableName> chainTypes(Map<String, RawChain> raw) {
    Map<String, TableName> types = new HashMap<>();
    List<String> queue = new ArrayList<>();
    for (RawChain c : raw.values()) {
      c.base().ifPresent(b -> {
        types.put(c.name(), switch (b.type()) {
          case NAT -> TableName.NAT;
          case ROUTE -> TableName.MANGLE;
          case FILTER -> TableName.FILTER;
        });
        queue.add(c.name());
      });
    }
    for (int i = 0; i < queue.size(); i++) {
      RawChain from = raw.get(queue.get(i));
      TableName type = types.get(from.name());
      for (JsonValue r : from.rules()) {
        for (String target : jumpTargets(r.node().path("expr"))) {
          if (raw.containsKey(target) && !types.containsKey(target)) {
            types.put(target, type);
            queue.add(target);
          }
        }
      }
    }
    return types;
  }

  private static List<String> jumpTargets(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isObject()) {
      for (String verdict : List.of("jump", "goto")) {
        if (node.has(verdict) && node.get(verdict).has("target")) {
          out.add(node.get(verdict).get("target").asString(""));
        }
      }
      node.properties().forEach(e -> out.addAll(jumpTargets(e.getValue())));
    } else if (node.isArray()) {
      node.forEach(x -> out.addAll(jumpTargets(x)));
    }
    return out;
  }

  private void findSetWrites(String tableKey, JsonValue expressions) {
    for (JsonValue e : expressions.elements("an array of expressions")) {
      for (String op : List.of("set", "map")) {
        JsonValue s = e.get(op);
        if (s.present() && s.node().isObject() && s.get("set").node().isString()) {
          String set = s.get("set").string("");
          runtimeSets.add(tableKey + "@" + (set.startsWith("@") ? set.substring(1) : set));
        }
      }
      if (e.get("meter").present()) {
        runtimeSets.add(tableKey + "@" + e.get("meter").get("name").string("meter"));
      }
    }
  }

  private static Optional<BaseChain> baseChain(JsonValue c, String name) {
    if (!c.get("hook").present()) {
      return Optional.empty();
    }
    String hookText = c.get("hook").string("");
    Hook hook = Hook.tryParse(hookText).orElseThrow(() -> c.get("hook").problem("expected a hook (prerouting, input,"
        + " forward, output, postrouting, ingress), found '" + hookText + "'"));
    String typeText = c.get("type").string("filter");
    BaseChain.Type type = BaseChain.Type.tryParse(typeText)
        .orElseThrow(() -> c.get("type").problem("expected a chain type (filter, nat, route), found '" + typeText + "'"));
    Chain.Policy policy = c.get("policy").string("accept").equals("drop") ? Chain.Policy.DROP : Chain.Policy.ACCEPT;
    Optional<String> device = device(c);
    return Optional.of(new BaseChain(name, hook, type, priority(c.get("prio")), policy, device));
  }

  /** nft 1.0.6 prints no device for a netdev chain; later versions print {@code dev} (a name or a list). */
  private static Optional<String> device(JsonValue c) {
    JsonValue dev = c.get("dev");
    if (!dev.present()) {
      return Optional.empty();
    }
    if (dev.node().isArray()) {
      return dev.strings().stream().findFirst();
    }
    return dev.string();
  }

  /**
   * nft 1.0.6 prints a base chain's priority as a number ({@code "prio": -300} for {@code priority
   * raw}); the names and their values (nft's src/rule.c, std_prios) are read too, with an offset
   * ({@code "filter - 1"}), in case a version prints them.
   */
  static int priority(JsonValue prio) {
    if (!prio.present()) {
      return 0;
    }
    if (prio.node().isIntegralNumber()) {
      return prio.integer().orElse(0);
    }
    String text = prio.string("").strip();
    String[] parts = text.split("\\s+");
    Integer base = switch (parts[0]) {
      case "raw" -> -300;
      case "mangle" -> -150;
      case "dstnat" -> -100;
      case "filter" -> 0;
      case "security" -> 50;
      case "srcnat" -> 100;
      default -> null;
    };
    try {
      if (base == null) {
        return Integer.parseInt(text);
      }
      if (parts.length == 1) {
        return base;
      }
      if (parts.length == 3 && (parts[1].equals("+") || parts[1].equals("-"))) {
        int offset = Integer.parseInt(parts[2]);
        return parts[1].equals("+") ? base + offset : base - offset;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw prio.problem("expected a chain priority (a number, or raw, mangle, dstnat, filter, security, srcnat"
        + " with an optional + or - offset), found '" + text + "'");
  }

  private static NftFamily family(JsonValue v) {
    String text = v.get("family").string().orElseThrow(() -> v.problem("expected the \"family\""));
    return NftFamily.tryParse(text)
        .orElseThrow(() -> v.get("family").problem("expected a family (ip, ip6, inet, arp, bridge, netdev), found '"
            + text + "'"));
  }

  private static String name(JsonValue v, String field) {
    return v.get(field).string().orElseThrow(() -> v.problem("expected the \"" + field + "\""));
  }

  private static String key(NftFamily family, String name) {
    return family.label() + " " + name;
  }

  /** Thrown inside a rule's reading when, for this family, the rule can never match. */
  private static final class NeverMatches extends RuntimeException {
    NeverMatches() {
      super(null, null, false, false);
    }
  }

  /** The reading of one nft rule into one rule, or several (a map), or none (another family's). */
  private final class RuleReader {
    private final String tableKey;
    private final String label;
    private final TableName type;
    private final String chain;
    private final int position;
    private final IpFamily packets;
    private final List<String> unknown;
    private final List<Match> matches = new ArrayList<>();
    private final List<Target> effects = new ArrayList<>();
    private int handle;
    private String text = "";

    RuleReader(String tableKey, String label, TableName type, String chain, int position, IpFamily packets,
        List<String> unknown) {
      this.tableKey = tableKey;
      this.label = label;
      this.type = type;
      this.chain = chain;
      this.position = position;
      this.packets = packets;
      this.unknown = unknown;
    }

    List<Rule> read(JsonValue r) {
      handle = r.get("handle").integer().orElse(0);
      List<JsonValue> expressions = r.get("expr").elements("an array of expressions");
      List<JsonNode> nodes = expressions.stream().map(JsonValue::node).toList();
      text = NftText.rule(nodes, r.get("comment").string(""));
      try {
        for (int i = 0; i < expressions.size(); i++) {
          JsonValue e = expressions.get(i);
          boolean last = i == expressions.size() - 1;
          Optional<List<Rule>> end = expression(e, last);
          if (end.isPresent()) {
            return end.get();
          }
        }
      } catch (NeverMatches never) {
        return List.of();
      }
      return List.of(rule(matches, new Target.Continue("", ""), text));
    }

    private Rule rule(List<Match> ms, Target target, String ruleText) {
      return new Rule(type, Optional.of(label), chain, position, handle, ruleText, Counters.NONE, ms, effects, target);
    }

    /** One expression: a match is added; a verdict or NAT statement ends the rule (the rules it gives). */
    private Optional<List<Rule>> expression(JsonValue e, boolean last) {
      Map<String, JsonValue> props = e.properties("an expression object");
      if (props.size() != 1) {
        throw e.problem("expected an object with one key (match, counter, accept, ...)");
      }
      Map.Entry<String, JsonValue> only = props.entrySet().iterator().next();
      String key = only.getKey();
      JsonValue v = only.getValue();
      // A match renders its own text, and only when a Match.Unknown keeps it (most never do).
      String shown = key.equals("match") ? "" : NftText.statement(e.node());
      switch (key) {
        case "match" -> {
          matches.addAll(readingsAfterEffects(match(v), e.node()));
          return Optional.empty();
        }
        case "counter", "log", "comment" -> {
          return Optional.empty();
        }
        case "accept" -> {
          return end(new Target.Accept());
        }
        case "drop" -> {
          return end(new Target.Drop());
        }
        case "reject" -> {
          return end(new Target.Reject(shown.equals("reject") ? "" : shown.substring("reject ".length())));
        }
        case "return" -> {
          return end(new Target.Return());
        }
        case "continue" -> {
          return end(new Target.Continue("", ""));
        }
        case "jump", "goto" -> {
          String target = v.get("target").string().orElseThrow(() -> v.problem("expected the \"target\" chain"));
          return end(key.equals("jump") ? new Target.Jump(target) : new Target.Goto(target));
        }
        case "dnat", "snat", "masquerade", "redirect" -> {
          return Optional.of(nat(key, v, shown));
        }
        case "vmap" -> {
          return Optional.of(verdictMap(v));
        }
        case "mangle" -> {
          effects.add(mangle(v, shown));
          return Optional.empty();
        }
        case "notrack" -> {
          effects.add(new Target.Continue("NOTRACK", shown));
          return Optional.empty();
        }
        case "xt" -> {
          unknown("iptables-nft's " + v.get("name").string("?") + " in " + label + "/" + chain);
          if (v.get("type").string("").equals("target")) {
            return end(new Target.Unknown("xt " + v.get("name").string("?"), shown));
          }
          matches.add(new Match.Unknown("xt", shown));
          return Optional.empty();
        }
        case "set" -> {
          // add/update @set { ip saddr }: writes a set (which is then unknown, see findSetWrites);
          // it fails only when the set is full, and then the rule stops (NFT_BREAK), which for a
          // last statement is what it does anyway. Its key's header has nft's family dependency.
          if (readsOtherFamily(v.node())) {
            throw new NeverMatches();
          }
          if (last) {
            return end(new Target.Continue("", ""));
          }
          matches.add(new Match.Unknown(key, shown));
          return Optional.empty();
        }
        default -> {
          // limit, quota, ct count, meter, set add/update, numgen, queue, ...: may stop the rule or
          // take the packet; as the last statement it is the rule's outcome.
          if (last) {
            return end(new Target.Unknown(key, shown));
          }
          matches.add(new Match.Unknown(key, shown));
          return Optional.empty();
        }
      }
    }

    private boolean readsOtherFamily(JsonNode n) {
      String protocol = n.path("payload").path("protocol").asString("");
      if ((protocol.equals("ip") && packets != IpFamily.V4) || (protocol.equals("ip6") && packets != IpFamily.V6)) {
        return true;
      }
      for (JsonNode child : n.isObject() || n.isArray() ? n.values() : List.<JsonNode>of()) {
        if (readsOtherFamily(child)) {
          return true;
        }
      }
      return false;
    }

    private Optional<List<Rule>> end(Target target) {
      return Optional.of(List.of(rule(matches, target, text)));
    }

    /**
     * A match that reads what an earlier statement of the same rule wrote ({@code meta mark set 4
     * meta mark 4}): the engine evaluates a rule's matches before its effects, so it cannot know.
     */
    private List<Match> readingsAfterEffects(List<Match> read, JsonNode statement) {
      if (effects.isEmpty()) {
        return read;
      }
      boolean writesMark = effects.stream().anyMatch(t -> t instanceof Target.SetMark);
      boolean writesState = effects.stream().anyMatch(t -> t instanceof Target.Continue c && c.name().equals("NOTRACK"));
      List<Match> out = new ArrayList<>();
      for (Match m : read) {
        boolean reads = (writesMark && mentions(m, Match.Mark.class))
            || (writesState && mentions(m, Match.ConnectionState.class));
        out.add(reads ? new Match.Unknown("after " + effects.getLast().getClass().getSimpleName(),
            NftText.statement(statement)) : m);
      }
      return out;
    }

    private static boolean mentions(Match m, Class<? extends Match> kind) {
      return kind.isInstance(m) || (m instanceof Match.AnyOf a
          && a.alternatives().stream().flatMap(List::stream).anyMatch(x -> mentions(x, kind)));
    }

    // ---------------------------------------------------------------- matches

    /** The matches of one {@code match} expression: prerequisites (tcp for tcp dport), then the test. */
    private List<Match> match(JsonValue m) {
      String op = m.get("op").string("==");
      JsonValue left = m.get("left");
      JsonValue right = m.get("right");
      boolean negated = op.equals("!=");
      if (!op.equals("==") && !op.equals("!=") && !op.equals("in")) {
        return comparison(op, left, right, m);
      }
      List<Field> fields = new ArrayList<>();
      if (left.get("concat").present()) {
        for (JsonValue part : left.get("concat").elements("an array of expressions")) {
          fields.add(field(part));
        }
      } else {
        fields.add(field(left));
      }
      List<Match> out = new ArrayList<>();
      for (Field f : fields) {
        // tcp flags ... tcp sport ...: nft adds the dependency once, so does this.
        f.prerequisites().stream().filter(p -> !matches.contains(p) && !out.contains(p)).forEach(out::add);
      }
      if (fields.stream().anyMatch(f -> f instanceof UnknownField)) {
        out.add(new Match.Unknown(leftName(left), shown(m)));
        return out;
      }
      if (fields.size() == 1 && fields.getFirst() instanceof Tautology t) {
        if (t.holds(right) == negated) {
          throw new NeverMatches();
        }
        return out;
      }
      Optional<List<JsonValue>> elements = elements(right);
      if (elements.isEmpty()) {
        out.add(new Match.Unknown("set", shown(m)));
        return out;
      }
      List<List<Match>> alternatives = new ArrayList<>();
      for (JsonValue element : elements.get()) {
        List<JsonValue> parts = fields.size() == 1 ? List.of(element) : concatParts(element, fields.size());
        List<List<Match>> product = List.of(List.of());
        for (int i = 0; i < fields.size(); i++) {
          List<List<Match>> next = new ArrayList<>();
          for (List<Match> prefix : product) {
            for (List<Match> alt : fields.get(i).alternatives(parts.get(i))) {
              List<Match> longer = new ArrayList<>(prefix);
              longer.addAll(alt);
              next.add(longer);
            }
          }
          product = next;
        }
        alternatives.addAll(product);
      }
      out.add(combine(alternatives, negated));
      return out;
    }

    /** {@code tcp dport < 1024}: a range on a port; anything else is unknown. */
    private List<Match> comparison(String op, JsonValue left, JsonValue right, JsonValue m) {
      Field f = field(left);
      if (f instanceof PortField p && right.node().isIntegralNumber()) {
        int n = right.node().intValue();
        Optional<PortRange> range = switch (op) {
          case "<" -> n > 0 ? Optional.of(new PortRange(0, n - 1)) : Optional.empty();
          case "<=" -> Optional.of(new PortRange(0, n));
          case ">" -> n < 65535 ? Optional.of(new PortRange(n + 1, 65535)) : Optional.empty();
          case ">=" -> Optional.of(new PortRange(n, 65535));
          default -> Optional.empty();
        };
        if (range.isPresent()) {
          List<Match> out = new ArrayList<>(p.prerequisites());
          out.add(new Match.Ports(p.field(), List.of(range.get()), false));
          return out;
        }
      }
      return List.of(new Match.Unknown(leftName(left), shown(m)));
    }

    /** A match statement as nft prints it: the text a Match.Unknown keeps. */
    private static String shown(JsonValue m) {
      return NftText.statement(new tools.jackson.databind.node.ObjectNode(
          tools.jackson.databind.node.JsonNodeFactory.instance).set("match", m.node()));
    }

    /** The elements a right-hand side stands for; empty when they are not known (a run-time set). */
    private Optional<List<JsonValue>> elements(JsonValue right) {
      if (right.node().isString() && right.node().stringValue().startsWith("@")) {
        String name = right.node().stringValue().substring(1);
        String setKey = tableKey + "@" + name;
        JsonValue set = sets.get(setKey);
        if (set == null) {
          throw right.problem("expected the set @" + name + " of " + label + " to be listed");
        }
        if (runtimeSets.contains(setKey)) {
          unknown("set @" + name + " (filled at run time)");
          return Optional.empty();
        }
        return Optional.of(set.get("elem").elements("an array of set elements").stream()
            .map(NftJsonReader::elementKey).toList());
      }
      if (right.get("set").present()) {
        JsonValue s = right.get("set");
        return Optional.of(s.node().isArray() ? s.elements("an array of set elements") : List.of(s));
      }
      if (right.node().isArray()) {
        // A flag list: ct state established,related matches either.
        return Optional.of(right.elements("a list of flags"));
      }
      return Optional.of(List.of(right));
    }

    private List<JsonValue> concatParts(JsonValue element, int size) {
      List<JsonValue> parts = element.get("concat").elements("a concatenation");
      if (parts.size() != size) {
        throw element.problem("expected a concatenation of " + size + " values, as the set's key has");
      }
      return parts;
    }

    private Match combine(List<List<Match>> alternatives, boolean negated) {
      if (alternatives.size() == 1 && alternatives.getFirst().size() == 1) {
        return negate(alternatives.getFirst().getFirst(), negated);
      }
      if (!alternatives.isEmpty() && alternatives.stream().allMatch(a -> a.size() == 1 && a.getFirst() instanceof Match.Ports)) {
        Match.Ports first = (Match.Ports) alternatives.getFirst().getFirst();
        if (alternatives.stream().allMatch(a -> ((Match.Ports) a.getFirst()).field() == first.field())) {
          List<PortRange> ranges = alternatives.stream().flatMap(a -> ((Match.Ports) a.getFirst()).ranges().stream()).toList();
          return new Match.Ports(first.field(), ranges, negated);
        }
      }
      if (!alternatives.isEmpty()
          && alternatives.stream().allMatch(a -> a.size() == 1 && a.getFirst() instanceof Match.ConnectionState)) {
        Set<Match.CtState> states = EnumSet.noneOf(Match.CtState.class);
        alternatives.forEach(a -> states.addAll(((Match.ConnectionState) a.getFirst()).states()));
        return new Match.ConnectionState(states, negated);
      }
      return new Match.AnyOf(alternatives, negated);
    }

    private static Match negate(Match m, boolean negated) {
      if (!negated) {
        return m;
      }
      return switch (m) {
        case Match.Address a -> new Match.Address(a.side(), a.prefix(), true);
        case Match.Interface i -> new Match.Interface(i.inbound(), i.pattern(), true);
        case Match.Protocol p -> new Match.Protocol(p.number(), p.name(), true);
        case Match.Ports p -> new Match.Ports(p.field(), p.ranges(), true);
        case Match.ConnectionState c -> new Match.ConnectionState(c.states(), true);
        case Match.OriginalAddress o -> new Match.OriginalAddress(o.side(), o.prefix(), true);
        case Match.OriginalPort o -> new Match.OriginalPort(o.side(), o.range(), true);
        case Match.ConntrackDirection d -> new Match.ConntrackDirection(!d.original());
        case Match.AddressTypeMatch t -> new Match.AddressTypeMatch(t.side(), t.types(), true, t.limit());
        case Match.TcpFlags f -> new Match.TcpFlags(f.mask(), f.set(), true);
        case Match.IcmpType i -> new Match.IcmpType(i.type(), true);
        case Match.Mark k -> new Match.Mark(k.kind(), k.mask(), k.value(), true);
        case Match.AnyOf a -> new Match.AnyOf(a.alternatives(), !a.negated());
        default -> new Match.AnyOf(List.of(List.of(m)), true);
      };
    }

    private String leftName(JsonValue left) {
      return NftText.expr(left.node());
    }

    /** What the left-hand side of a match looks at. */
    private Field field(JsonValue left) {
      JsonNode n = left.node();
      if (n.has("payload")) {
        return payload(left.get("payload"));
      }
      if (n.has("meta")) {
        return meta(left.get("meta").get("key").string(""), ~0L);
      }
      if (n.has("ct")) {
        return ct(left.get("ct"), ~0L);
      }
      if (n.has("fib")) {
        return fib(left.get("fib"));
      }
      if (n.has("&") && n.get("&").isArray() && n.get("&").size() == 2 && n.get("&").get(1).isIntegralNumber()) {
        JsonValue inner = left.get("&").elements("an operation").getFirst();
        long mask = n.get("&").get(1).longValue();
        if (inner.node().has("meta")) {
          return meta(inner.get("meta").get("key").string(""), mask);
        }
        if (inner.node().has("ct")) {
          return ct(inner.get("ct"), mask);
        }
      }
      if (n.has("&") && n.get("&").isArray() && n.get("&").size() == 2
          && n.get("&").get(0).path("payload").path("field").asString("").equals("flags")
          && n.get("&").get(0).path("payload").path("protocol").asString("").equals("tcp")) {
        Set<String> mask = new LinkedHashSet<>();
        JsonNode m = n.get("&").get(1);
        (m.isArray() ? m : tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(m))
            .forEach(f -> mask.add(f.asString("").toUpperCase(Locale.ROOT)));
        return new TcpFlagsField(mask);
      }
      return new UnknownField();
    }

    private Field payload(JsonValue p) {
      String protocol = p.get("protocol").string("");
      String f = p.get("field").string("");
      switch (protocol) {
        case "ip", "ip6" -> {
          IpFamily of = protocol.equals("ip") ? IpFamily.V4 : IpFamily.V6;
          if (of != packets) {
            throw new NeverMatches();
          }
          return switch (f) {
            case "saddr" -> new AddressField(Match.Side.SOURCE, false);
            case "daddr" -> new AddressField(Match.Side.DESTINATION, false);
            case "protocol", "nexthdr" -> new ProtocolField();
            default -> new UnknownField();
          };
        }
        case "tcp", "udp", "sctp", "udplite", "dccp", "th" -> {
          Match.PortField side = f.equals("dport") ? Match.PortField.DESTINATION
              : f.equals("sport") ? Match.PortField.SOURCE : null;
          if (protocol.equals("tcp") && f.equals("flags")) {
            return new TcpFlagsField(Set.of("FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"));
          }
          if (side == null) {
            return new UnknownField();
          }
          // nft gives a tcp header match the dependency meta l4proto tcp (payload_gen_dependency).
          List<Match> needs = protocol.equals("th") ? List.of() : List.of(protocol(protocol));
          return new PortField(side, needs);
        }
        case "icmp", "icmpv6" -> {
          if (f.equals("type")) {
            return new IcmpField(protocol);
          }
          return new UnknownField();
        }
        default -> {
          return new UnknownField();
        }
      }
    }

    private Field meta(String key, long mask) {
      return switch (key) {
        case "iifname" -> new InterfaceField(true);
        case "oifname" -> new InterfaceField(false);
        case "l4proto" -> new ProtocolField();
        case "nfproto" -> new Tautology();
        case "mark" -> new MarkField(Match.MarkKind.PACKET, mask);
        default -> new UnknownField();
      };
    }

    private Field ct(JsonValue ct, long mask) {
      String key = ct.get("key").string("");
      String dir = ct.get("dir").string("");
      if (key.equals("mark") && dir.isEmpty()) {
        return new MarkField(Match.MarkKind.CONNECTION, mask);
      }
      if (mask != ~0L) {
        return new UnknownField();
      }
      if (dir.isEmpty()) {
        return switch (key) {
          case "state" -> new CtStateField(false);
          case "status" -> new CtStateField(true);
          case "direction" -> new DirectionField();
          default -> new UnknownField();
        };
      }
      if (!dir.equals("original")) {
        return new UnknownField();
      }
      return switch (key) {
        case "proto-dst" -> new OriginalPortField(Match.Side.DESTINATION);
        case "proto-src" -> new OriginalPortField(Match.Side.SOURCE);
        case "saddr", "ip saddr", "ip6 saddr" -> originalAddress(key, Match.Side.SOURCE);
        case "daddr", "ip daddr", "ip6 daddr" -> originalAddress(key, Match.Side.DESTINATION);
        default -> new UnknownField();
      };
    }

    private Field originalAddress(String key, Match.Side side) {
      if ((key.startsWith("ip ") && packets != IpFamily.V4) || (key.startsWith("ip6 ") && packets != IpFamily.V6)) {
        throw new NeverMatches();
      }
      return new AddressField(side, true);
    }

    private Field fib(JsonValue fib) {
      List<String> flags = fib.get("flags").node() != null && fib.get("flags").node().isString()
          ? List.of(fib.get("flags").string("")) : fib.get("flags").strings();
      if (!fib.get("result").string("").equals("type")) {
        return new UnknownField();
      }
      Match.Side side = flags.contains("saddr") ? Match.Side.SOURCE : Match.Side.DESTINATION;
      Match.LimitIface limit = flags.contains("iif") ? Match.LimitIface.IN
          : flags.contains("oif") ? Match.LimitIface.OUT : Match.LimitIface.NONE;
      return new AddressTypeField(side, limit);
    }

    // ---------------------------------------------------------------- statements

    private List<Rule> nat(String key, JsonValue v, String shown) {
      String family = v.get("family").string("");
      if ((family.equals("ip") && packets != IpFamily.V4) || (family.equals("ip6") && packets != IpFamily.V6)) {
        // nft_nat_inet_eval: a NAT statement of the other family does nothing; the rule goes on.
        return List.of(rule(matches, new Target.Continue("", ""), text));
      }
      if (key.equals("snat") || key.equals("masquerade")) {
        return List.of(rule(matches, new Target.SourceNat(key.toUpperCase(Locale.ROOT), shown), text));
      }
      JsonValue addr = v.get("addr");
      JsonValue port = v.get("port");
      if (addr.get("map").present() || port.get("map").present()) {
        return natMap(key, addr.get("map").present() ? addr.get("map") : port.get("map"), addr.get("map").present());
      }
      if (key.equals("redirect")) {
        return List.of(rule(matches, new Target.Redirect(port.present() ? Optional.of(ports(port)) : Optional.empty()),
            text));
      }
      return List.of(rule(matches, dnat(addr, port, shown), text));
    }

    private Target dnat(JsonValue addr, JsonValue port, String shown) {
      Optional<IPAddress> first = Optional.empty();
      Optional<IPAddress> lastAddr = Optional.empty();
      if (addr.present()) {
        if (addr.get("range").present()) {
          List<JsonValue> ends = addr.get("range").elements("a range [first, last]");
          first = Optional.of(host(ends.get(0)));
          lastAddr = Optional.of(host(ends.get(1)));
        } else if (addr.node().isString()) {
          first = Optional.of(host(addr));
          lastAddr = first;
        } else {
          unknown("dnat to " + NftText.value(addr.node(), false) + " in " + label + "/" + chain);
          return new Target.Unknown("dnat", shown);
        }
      }
      Optional<PortRange> ports = port.present() ? Optional.of(ports(port)) : Optional.empty();
      return new Target.Dnat(first, lastAddr, ports, shown);
    }

    /** {@code dnat ip to tcp dport map { 8080 : 198.51.100.2 . 80 }}: one rule per element, keys distinct. */
    private List<Rule> natMap(String key, JsonValue map, boolean ofAddress) {
      Field keyField = field(map.get("key"));
      List<JsonValue> pairs = mapPairs(map.get("data"));
      if (pairs == null || keyField instanceof UnknownField || keyField instanceof Tautology) {
        unknown(key + " map in " + label + "/" + chain);
        return List.of(rule(matches, new Target.Unknown(key, text), text));
      }
      List<Match> needs = keyField.prerequisites();
      List<Rule> out = new ArrayList<>();
      for (JsonValue pair : pairs) {
        List<JsonValue> kv = pair.elements("a map element [key, value]");
        List<Match> ms = new ArrayList<>(matches);
        ms.addAll(needs);
        ms.add(combine(keyField.alternatives(kv.get(0)), false));
        JsonValue value = kv.get(1);
        String shown = key + " to " + NftText.value(value.node(), false);
        Target target;
        if (key.equals("redirect")) {
          target = new Target.Redirect(Optional.of(ports(value)));
        } else if (ofAddress && value.get("concat").present()) {
          List<JsonValue> parts = value.get("concat").elements("address . port");
          target = dnat(parts.get(0), parts.get(1), shown);
        } else if (ofAddress) {
          target = dnat(value, value.absent(), shown);
        } else {
          target = new Target.Dnat(Optional.empty(), Optional.empty(), Optional.of(ports(value)), shown);
        }
        out.add(rule(ms, target, text + " (" + NftText.value(kv.get(0).node(), false) + " : "
            + NftText.value(value.node(), false) + ")"));
      }
      return out;
    }

    /** {@code oifname vmap @filter-forward-in-jumps}: one rule per element, keys distinct. */
    private List<Rule> verdictMap(JsonValue v) {
      Field keyField = field(v.get("key"));
      List<JsonValue> pairs = mapPairs(v.get("data"));
      if (pairs == null || keyField instanceof UnknownField || keyField instanceof Tautology) {
        unknown("vmap in " + label + "/" + chain);
        return List.of(rule(matches, new Target.Unknown("vmap", text), text));
      }
      boolean quoted = NftText.quotes(v.get("key").node());
      List<Rule> out = new ArrayList<>();
      for (JsonValue pair : pairs) {
        List<JsonValue> kv = pair.elements("a map element [key, verdict]");
        List<Match> ms = new ArrayList<>(matches);
        ms.addAll(keyField.prerequisites());
        ms.add(combine(keyField.alternatives(kv.get(0)), false));
        out.add(rule(ms, verdict(kv.get(1)), text + " (" + NftText.value(kv.get(0).node(), quoted) + " : "
            + NftText.mapValue(kv.get(1).node()) + ")"));
      }
      return out;
    }

    /** A map's [key, value] pairs; null when it is filled at run time. */
    private List<JsonValue> mapPairs(JsonValue data) {
      if (data.node().isString() && data.node().stringValue().startsWith("@")) {
        String name = data.node().stringValue().substring(1);
        JsonValue map = sets.get(tableKey + "@" + name);
        if (map == null) {
          throw data.problem("expected the map @" + name + " of " + label + " to be listed");
        }
        if (runtimeSets.contains(tableKey + "@" + name)) {
          unknown("map @" + name + " (filled at run time)");
          return null;
        }
        return map.get("elem").elements("an array of map elements").stream().map(e -> e.get("elem").present()
            ? pairOf(e) : e).toList();
      }
      if (data.get("set").present()) {
        return data.get("set").elements("an array of map elements");
      }
      return null;
    }

    private JsonValue pairOf(JsonValue e) {
      return e; // nft 1.0.6 prints map elements as [key, value]; kept for the elem-object form.
    }

    private Target verdict(JsonValue v) {
      Map<String, JsonValue> props = v.properties("a verdict (accept, drop, jump ...)");
      String key = props.keySet().stream().findFirst().orElse("");
      return switch (key) {
        case "accept" -> new Target.Accept();
        case "drop" -> new Target.Drop();
        case "return" -> new Target.Return();
        case "continue" -> new Target.Continue("", "");
        case "jump" -> new Target.Jump(props.get("jump").get("target").string(""));
        case "goto" -> new Target.Goto(props.get("goto").get("target").string(""));
        default -> throw v.problem("expected a verdict (accept, drop, return, continue, jump, goto)");
      };
    }

    /** {@code meta mark set ...} / {@code ct mark set ...}: new = (from & ~clear) ^ xor. */
    private Target mangle(JsonValue v, String shown) {
      JsonNode key = v.get("key").node();
      Match.MarkKind kind = key.path("meta").path("key").asString("").equals("mark") ? Match.MarkKind.PACKET
          : key.path("ct").path("key").asString("").equals("mark") && !key.path("ct").has("dir")
              ? Match.MarkKind.CONNECTION : null;
      Optional<Target> set = kind == null ? Optional.empty() : markValue(kind, v.get("value").node(), shown);
      if (set.isEmpty()) {
        unknown("'" + shown + "' in " + label + "/" + chain);
        return new Target.Unknown("mangle", shown);
      }
      return set.get();
    }

    private Optional<Target> markValue(Match.MarkKind kind, JsonNode value, String shown) {
      if (value.isIntegralNumber()) {
        return Optional.of(new Target.SetMark(kind, kind, 0xffffffffL, value.longValue() & 0xffffffffL, shown));
      }
      Optional<Match.MarkKind> from = markSource(value);
      if (from.isPresent()) {
        return Optional.of(new Target.SetMark(kind, from.get(), 0, 0, shown));
      }
      for (String op : List.of("|", "&", "^")) {
        JsonNode args = value.path(op);
        if (!args.isArray() || args.size() != 2 || !args.get(1).isIntegralNumber()) {
          continue;
        }
        long n = args.get(1).longValue() & 0xffffffffL;
        JsonNode inner = args.get(0);
        Optional<Match.MarkKind> src = markSource(inner);
        long clear0 = 0;
        if (src.isEmpty() && inner.path("&").isArray() && inner.get("&").size() == 2
            && inner.get("&").get(1).isIntegralNumber()) {
          // (from & M) | V and friends: nft's own form for meta mark set meta mark & M | V.
          src = markSource(inner.get("&").get(0));
          clear0 = ~inner.get("&").get(1).longValue() & 0xffffffffL;
        }
        if (src.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(switch (op) {
          case "|" -> new Target.SetMark(kind, src.get(), clear0 | n, n, shown);
          case "&" -> new Target.SetMark(kind, src.get(), clear0 | (~n & 0xffffffffL), 0, shown);
          default -> new Target.SetMark(kind, src.get(), clear0, n, shown);
        });
      }
      return Optional.empty();
    }

    private static Optional<Match.MarkKind> markSource(JsonNode n) {
      if (n.path("meta").path("key").asString("").equals("mark")) {
        return Optional.of(Match.MarkKind.PACKET);
      }
      if (n.path("ct").path("key").asString("").equals("mark") && !n.path("ct").has("dir")) {
        return Optional.of(Match.MarkKind.CONNECTION);
      }
      return Optional.empty();
    }

    private void unknown(String what) {
      unknown.add(what);
    }

    // ---------------------------------------------------------------- fields

    private Match protocol(String name) {
      int number = switch (name) {
        case "icmp" -> 1;
        case "tcp" -> 6;
        case "udp" -> 17;
        case "icmpv6", "ipv6-icmp" -> 58;
        case "sctp" -> 132;
        case "udplite" -> 136;
        case "dccp" -> 33;
        case "gre" -> 47;
        case "esp" -> 50;
        case "ah" -> 51;
        default -> -1;
      };
      return new Match.Protocol(number, name, false);
    }

    /** What a match's left-hand side tests; {@link #alternatives} reads one element of its right side. */
    private sealed interface Field {
      default List<Match> prerequisites() {
        return List.of();
      }

      List<List<Match>> alternatives(JsonValue element);
    }

    private static List<List<Match>> one(Match m) {
      return List.of(List.of(m));
    }

    private final class UnknownField implements Field {
      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        return one(new Match.Unknown("?", NftText.value(element.node(), false)));
      }
    }

    /** {@code meta nfproto}: known for the family read, so the test holds or never does. */
    private final class Tautology implements Field {
      boolean holds(JsonValue right) {
        List<String> values = right.get("set").present() ? right.get("set").strings()
            : right.node().isString() ? List.of(right.node().stringValue()) : List.of();
        String mine = packets == IpFamily.V4 ? "ipv4" : "ipv6";
        return values.contains(mine);
      }

      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        return List.of();
      }
    }

    private final class AddressField implements Field {
      private final Match.Side side;
      private final boolean original;

      AddressField(Match.Side side, boolean original) {
        this.side = side;
        this.original = original;
      }

      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        List<IPAddress> prefixes = new ArrayList<>();
        JsonNode n = element.node();
        if (n.has("prefix")) {
          IPAddress a = address(element.get("prefix").get("addr"));
          int len = element.get("prefix").get("len").integer().orElseThrow(() -> element.problem("expected a prefix length"));
          prefixes.add(a.setPrefixLength(len, false).toPrefixBlock());
        } else if (n.has("range")) {
          List<JsonValue> ends = element.get("range").elements("a range [first, last]");
          IPAddress lo = address(ends.get(0));
          IPAddress hi = address(ends.get(1));
          prefixes.addAll(List.of(lo.toSequentialRange(hi).spanWithPrefixBlocks()));
        } else {
          IPAddress a = address(element);
          prefixes.add(a.toPrefixBlock(a.getBitCount()));
        }
        List<List<Match>> out = new ArrayList<>();
        for (IPAddress p : prefixes) {
          out.add(List.of(original ? new Match.OriginalAddress(side, p, false) : new Match.Address(side, p, false)));
        }
        return out;
      }

      private IPAddress address(JsonValue v) {
        IPAddress a = host(v);
        IpFamily of = IpFamily.of(a);
        if (of != packets) {
          throw v.problem("expected an " + (packets == IpFamily.V4 ? "IPv4" : "IPv6") + " address");
        }
        return a;
      }
    }

    private final class ProtocolField implements Field {
      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        if (element.node().isIntegralNumber()) {
          return one(new Match.Protocol(element.node().intValue(), element.node().asString(), false));
        }
        String name = element.string().orElseThrow(() -> element.problem("expected a protocol"));
        Match p = protocol(name);
        return ((Match.Protocol) p).number() < 0 ? one(new Match.Unknown("l4proto", name)) : one(p);
      }
    }

    private record PortField(Match.PortField field, List<Match> prerequisites) implements Field {
      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        return one(new Match.Ports(field, List.of(ports(element)), false));
      }
    }

    private final class InterfaceField implements Field {
      private final boolean inbound;

      InterfaceField(boolean inbound) {
        this.inbound = inbound;
      }

      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        String name = element.string().orElseThrow(() -> element.problem("expected an interface name"));
        // nft's wildcard "eth*" is iptables' "eth+"; a literal "*" would be written "\*".
        String pattern = name.endsWith("*") && !name.endsWith("\\*") ? name.substring(0, name.length() - 1) + "+" : name;
        return one(new Match.Interface(inbound, pattern, false));
      }
    }

    private final class CtStateField implements Field {
      private final boolean status;

      CtStateField(boolean status) {
        this.status = status;
      }

      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        String name = element.string().orElseThrow(() -> element.problem("expected a conntrack state"));
        Optional<Match.CtState> state = status
            ? (name.equals("dnat") ? Optional.of(Match.CtState.DNAT) : name.equals("snat") ? Optional.of(Match.CtState.SNAT)
                : Optional.empty())
            : switch (name) {
              case "new", "established", "related", "invalid", "untracked" ->
                  Optional.of(Match.CtState.valueOf(name.toUpperCase(Locale.ROOT)));
              default -> Optional.empty();
            };
        return one(state.<Match>map(s -> new Match.ConnectionState(Set.of(s), false))
            .orElseGet(() -> new Match.Unknown("ct " + (status ? "status" : "state"), name)));
      }
    }

    private final class DirectionField implements Field {
      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        return one(new Match.ConntrackDirection(element.string("").equals("original")));
      }
    }

    private final class OriginalPortField implements Field {
      private final Match.Side side;

      OriginalPortField(Match.Side side) {
        this.side = side;
      }

      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        return one(new Match.OriginalPort(side, ports(element), false));
      }
    }

    private final class AddressTypeField implements Field {
      private final Match.Side side;
      private final Match.LimitIface limit;

      AddressTypeField(Match.Side side, Match.LimitIface limit) {
        this.side = side;
        this.limit = limit;
      }

      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        String name = element.string("").toUpperCase(Locale.ROOT);
        try {
          return one(new Match.AddressTypeMatch(side, Set.of(Match.AddressType.valueOf(name)), false, limit));
        } catch (IllegalArgumentException e) {
          return one(new Match.Unknown("fib", element.string("")));
        }
      }
    }

    private final class MarkField implements Field {
      private final Match.MarkKind kind;
      private final long mask;

      MarkField(Match.MarkKind kind, long mask) {
        this.kind = kind;
        this.mask = mask & 0xffffffffL;
      }

      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        if (!element.node().isIntegralNumber()) {
          return one(new Match.Unknown("mark", NftText.value(element.node(), false)));
        }
        return one(new Match.Mark(kind, mask, element.node().longValue() & mask, false));
      }
    }

    private final class TcpFlagsField implements Field {
      private final Set<String> mask;

      TcpFlagsField(Set<String> mask) {
        this.mask = mask;
      }

      @Override
      public List<Match> prerequisites() {
        return List.of(protocol("tcp"));
      }

      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        Set<String> set = new LinkedHashSet<>();
        JsonNode n = element.node();
        if (n.isArray()) {
          n.forEach(f -> set.add(f.asString("").toUpperCase(Locale.ROOT)));
        } else if (n.isString()) {
          set.add(n.stringValue().toUpperCase(Locale.ROOT));
        } else if (!(n.isIntegralNumber() && n.intValue() == 0)) {
          return one(new Match.Unknown("tcp flags", NftText.value(n, false)));
        }
        return one(new Match.TcpFlags(mask, set, false));
      }
    }

    private final class IcmpField implements Field {
      private final String protocol;

      IcmpField(String protocol) {
        this.protocol = protocol;
      }

      @Override
      public List<Match> prerequisites() {
        return List.of(protocol(protocol));
      }

      @Override
      public List<List<Match>> alternatives(JsonValue element) {
        return one(new Match.IcmpType(NftText.value(element.node(), false), false));
      }
    }
  }

  /** A named set's element: itself, or the {@code val} of an {@code {"elem": {...}}} with options. */
  private static JsonValue elementKey(JsonValue e) {
    return e.get("elem").present() ? e.get("elem").get("val") : e;
  }

  private static PortRange ports(JsonValue v) {
    if (v.node().isIntegralNumber()) {
      return PortRange.of(port(v, v.node().intValue()));
    }
    if (v.get("range").present()) {
      List<JsonValue> ends = v.get("range").elements("a range [first, last]");
      if (ends.size() == 2 && ends.get(0).node().isIntegralNumber() && ends.get(1).node().isIntegralNumber()) {
        return new PortRange(port(ends.get(0), ends.get(0).node().intValue()), port(ends.get(1), ends.get(1).node().intValue()));
      }
    }
    throw v.problem("expected a port or a port range");
  }

  private static int port(JsonValue v, int n) {
    if (n < 0 || n > 65535) {
      throw v.problem("expected a port 0..65535, found " + n);
    }
    return n;
  }

  private static IPAddress host(JsonValue v) {
    String text = v.string().orElseThrow(() -> v.problem("expected an IP address"));
    IPAddress a = JsonValue.parseAddress(text);
    if (a == null || text.isEmpty()) {
      throw v.problem("expected an IP address, found '" + text + "'");
    }
    return a.withoutPrefixLength();
  }
}
