package dev.breakwater.netfilter;

import dev.breakwater.problem.BadInput;
import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses {@code iptables-save} / {@code ip6tables-save} output (legacy and nft variants, with or
 * without {@code -c}) into a {@link Ruleset}.
 *
 * <p>A dump is a sequence of tables: {@code *filter}, then {@code :CHAIN POLICY [p:b]}
 * declarations ({@code -} as the policy of a user chain), then {@code [p:b] -A CHAIN options}
 * rules, then {@code COMMIT}. Lines starting with {@code #} are comments. Anything the parser
 * does not model exactly is kept as {@link Match.Unknown} or {@link Target.Unknown} (and listed in
 * {@link Ruleset#warnings()}), never dropped; only text that is not iptables-save output is an
 * error.
 *
 * <p>The same text may instead be an {@code iptables -S} listing ({@code -P INPUT ACCEPT},
 * {@code -N DOCKER}, {@code -A FORWARD -j DOCKER-USER}, no {@code *table} or {@code COMMIT}): told
 * by content, the first line that is not a comment starting with {@code -P}, {@code -N} or
 * {@code -A}. Its table is decided by {@link ListingTable}.
 *
 * <p>What the dump leaves out becomes {@link Ruleset#unseen()}: a table iptables-nft-save could not
 * print, the legacy backend's tables, and a {@code nat} (or {@code filter}) table missing beside
 * Docker's chains in the other one, which Docker always writes in pairs.
 */
public final class IptablesSaveParser {
  /** Docker's chains in the filter table (libnetwork's iptables setup, Docker 17 to 28). */
  private static final java.util.Set<String> DOCKER_FILTER_CHAINS =
      java.util.Set.of("DOCKER", "DOCKER-USER", "DOCKER-FORWARD", "DOCKER-ISOLATION-STAGE-1", "DOCKER-CT",
          "DOCKER-BRIDGE", "DOCKER-INGRESS");

  private IptablesSaveParser() {}

  /**
   * @param sourceName the file name used in messages ({@code snapshot/iptables-save.txt})
   * @throws RulesetParseException with {@code sourceName:line: what was expected}
   */
  public static Ruleset parse(String text, IpFamily family, String sourceName) {
    return parse(text, family, sourceName, Map.of());
  }

  /**
   * As {@link #parse(String, IpFamily, String)}, filling {@link Match.IpSet#members()} from
   * {@code ipsets} (see {@link IpsetSaveParser}); a set missing from the map stays unresolved.
   */
  public static Ruleset parse(String text, IpFamily family, String sourceName, Map<String, List<IPAddress>> ipsets) {
    return new Run(family, sourceName, ipsets).parse(text);
  }

  /** The state of one parse. */
  private static final class Run {
    private final IpFamily family;
    private final String source;
    private final AddressParser addresses;
    private final ModuleMatches modules;
    private final TargetParser targets;
    private final Map<TableName, Table> tables = new EnumMap<>(TableName.class);
    private final UnknownTally unknowns;
    private final StringPool strings = new StringPool();
    private final List<String> notes = new ArrayList<>();

    private final List<UnseenTable> unseen = new ArrayList<>();

    private TableName table;
    private int tableLine;
    /** An {@code iptables -S} listing: tables are opened and closed by {@link ListingTable}. */
    private List<ListingTable.Section> sections;
    private int section;
    private Map<String, ChainBuilder> chains;
    private int lineNumber;

    Run(IpFamily family, String source, Map<String, List<IPAddress>> ipsets) {
      this.family = family;
      this.source = source;
      this.addresses = new AddressParser(family);
      this.modules = new ModuleMatches(addresses, ipsets, strings);
      this.targets = new TargetParser(addresses, strings);
      this.unknowns = new UnknownTally(source);
    }

    Ruleset parse(String text) {
      if (ListingTable.isListing(text)) {
        sections = ListingTable.sections(text, source);
      }
      int from = 0;
      int length = text.length();
      while (from < length) {
        int newline = text.indexOf('\n', from);
        int end = newline < 0 ? length : newline;
        int stop = end > from && text.charAt(end - 1) == '\r' ? end - 1 : end;
        lineNumber++;
        try {
          if (sections != null) {
            listingLine(text.substring(from, stop));
          } else {
            line(text.substring(from, stop));
          }
        } catch (RuleSyntaxError e) {
          throw new RulesetParseException(source, lineNumber, "expected " + e.getMessage());
        }
        from = end + 1;
      }
      if (sections != null && table != null) {
        commit();
      }
      if (table != null) {
        throw new RulesetParseException(source, tableLine,
            "expected COMMIT to end table '" + table.label() + "' started here (the dump is cut short)");
      }
      List<String> warnings = new ArrayList<>(notes);
      warnings.addAll(unknowns.warnings());
      inferUnseen();
      return new Ruleset(family, source, tables, warnings, unseen);
    }

    /**
     * Docker writes its nat and filter rules together (libnetwork's setupIPTables): one table with
     * Docker's chains and the other one missing means the dump was cut ({@code iptables-save -t
     * filter}, {@code iptables -S}, a paste), not that the host has no such rules.
     */
    private void inferUnseen() {
      if (tables.isEmpty()) {
        return;
      }
      Optional<String> dockerFilter = Optional.ofNullable(tables.get(TableName.FILTER))
          .flatMap(t -> t.chains().keySet().stream().filter(DOCKER_FILTER_CHAINS::contains).findFirst());
      if (!tables.containsKey(TableName.NAT) && dockerFilter.isPresent() && unseen(TableName.NAT)) {
        unseen.add(new UnseenTable(TableName.NAT, false, source + " has Docker's filter chain " + dockerFilter.get()
            + " but no nat table, where Docker writes the DNAT of every published port"));
      }
      boolean dockerNat = Optional.ofNullable(tables.get(TableName.NAT)).flatMap(t -> t.chain("DOCKER")).isPresent();
      if (!tables.containsKey(TableName.FILTER) && dockerNat && unseen(TableName.FILTER)) {
        unseen.add(new UnseenTable(TableName.FILTER, false, source
            + " has Docker's nat chain DOCKER but no filter table, where Docker and UFW filter what it translates"));
      }
    }

    /** Whether nothing is known yet about unseen rules of {@code name}. */
    private boolean unseen(TableName name) {
      return unseen.stream().noneMatch(u -> u.table() == name);
    }

    /** One line of an {@code iptables -S} listing, opening and closing the sections' tables. */
    private void listingLine(String line) {
      if (section >= sections.size()) {
        // After the last rule: only blank lines and comments, which sections() skipped.
        String rest = line.strip();
        if (rest.startsWith("#")) {
          comment(rest.substring(1).strip());
        }
        return;
      }
      ListingTable.Section current = sections.get(section);
      if (lineNumber == current.firstLine()) {
        if (tables.containsKey(current.table())) {
          throw new RuleSyntaxError("one 'iptables -S' listing per table, but this is a second listing of '"
              + current.table().label() + "'");
        }
        table = current.table();
        tableLine = lineNumber;
        chains = new LinkedHashMap<>();
        current.unseen().ifPresent(unseen::add);
        for (String builtin : current.undeclaredBuiltins()) {
          // A cut listing (no -P line): the policy is not shown. ACCEPT is the kernel's default;
          // the section's UnseenTable makes answers that depend on it "possibly".
          chains.put(builtin, new ChainBuilder(table, builtin, Optional.of(Chain.Policy.ACCEPT), Counters.NONE,
              lineNumber));
        }
      }
      String stripped = line.strip();
      if (stripped.isEmpty()) {
        // nothing
      } else if (stripped.startsWith("#")) {
        comment(stripped.substring(1).strip());
      } else if (stripped.startsWith("-P ") || stripped.startsWith("--policy ")) {
        List<RuleToken> tokens = RuleTokenizer.tokenize(stripped);
        if (tokens.size() != 3 && !(tokens.size() == 6 && tokens.get(3).text().equals("-c"))) {
          throw new RuleSyntaxError("'-P CHAIN POLICY' (or with '-c packets bytes'), got '" + BadInput.excerpt(stripped) + "'");
        }
        String counters = tokens.size() == 6 ? " [" + tokens.get(4).text() + ":" + tokens.get(5).text() + "]" : "";
        declareChain(tokens.get(1).text() + " " + tokens.get(2).text() + counters);
      } else if (stripped.startsWith("-N ") || stripped.startsWith("--new-chain ")) {
        List<RuleToken> tokens = RuleTokenizer.tokenize(stripped);
        if (tokens.size() != 2) {
          throw new RuleSyntaxError("'-N CHAIN', got '" + BadInput.excerpt(stripped) + "'");
        }
        declareChain(tokens.get(1).text() + " -");
      } else if (stripped.startsWith("-A ") || stripped.startsWith("--append ")) {
        rule(line);
      } else {
        throw new RuleSyntaxError("an 'iptables -S' line ('-P CHAIN POLICY', '-N CHAIN', '-A CHAIN ...') or a '#'"
            + " comment, got '" + BadInput.excerpt(stripped) + "'");
      }
      if (lineNumber == current.lastLine()) {
        commit();
        section++;
      }
    }

    private void line(String line) {
      int i = 0;
      while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
        i++;
      }
      if (i == line.length()) {
        return;
      }
      switch (line.charAt(i)) {
        case '#' -> comment(line.substring(i + 1).strip());
        case '*' -> startTable(line.substring(i + 1).strip());
        case ':' -> declareChain(line.substring(i + 1).strip());
        case '-', '[' -> rule(line);
        default -> {
          if (line.strip().equals("COMMIT")) {
            commit();
          } else {
            throw new RuleSyntaxError(
                "'*table', ':CHAIN POLICY [packets:bytes]', '-A CHAIN ...', 'COMMIT' or a '#' comment, got '"
                    + BadInput.excerpt(line.strip()) + "'");
          }
        }
      }
    }

    /**
     * iptables-nft-save says in comments what it could not print: a table holding rules made with
     * nft itself ("# Table `filter' is incompatible, use 'nft' tool."), or rules in the legacy
     * backend ("# Warning: iptables-legacy tables present ..."). Either way this dump is not the
     * whole firewall, which answers must know.
     */
    private void comment(String text) {
      String at = source + ":" + lineNumber;
      if (text.contains("incompatible")) {
        notes.add(at + ": iptables-nft-save could not print a table (\"" + text
            + "\"); its rules are missing from this dump, so answers that depend on it say 'possibly'");
        // nft's wording: "Table `filter' is incompatible, use 'nft' tool." (iptables nft-shared.c)
        int open = text.indexOf('`');
        int close = open < 0 ? -1 : text.indexOf('\'', open + 1);
        Optional<TableName> named = close < 0 ? Optional.empty() : TableName.tryParse(text.substring(open + 1, close));
        if (named.isPresent()) {
          unseen.add(new UnseenTable(named.get(), false, at + ": iptables-nft-save could not print it"));
        } else {
          for (TableName t : TableName.values()) {
            unseen.add(new UnseenTable(t, false, at + ": iptables-nft-save could not print a table: \"" + text + "\""));
          }
        }
      } else if (text.contains("iptables-legacy tables present")) {
        notes.add(at + ": rules also exist in the iptables-legacy backend (\"" + text
            + "\"); they are not in this dump, so answers that depend on them say 'possibly'");
        // Both backends register their hooks: a packet passes both, so legacy rules come on top.
        for (TableName t : List.of(TableName.RAW, TableName.MANGLE, TableName.NAT, TableName.FILTER)) {
          unseen.add(new UnseenTable(t, true, at + ": the iptables-legacy backend has tables too"));
        }
      }
    }

    private void startTable(String name) {
      if (table != null) {
        throw new RuleSyntaxError("COMMIT before table '" + name + "' (table '" + table.label()
            + "' started on line " + tableLine + " is still open)");
      }
      TableName parsed = TableName.tryParse(name)
          .orElseThrow(() -> new RuleSyntaxError("a table name (raw, mangle, nat, filter, security) after '*', got '"
              + BadInput.excerpt(name) + "'"));
      if (tables.containsKey(parsed)) {
        throw new RuleSyntaxError("each table once, but '" + name + "' appears a second time");
      }
      table = parsed;
      tableLine = lineNumber;
      chains = new LinkedHashMap<>();
    }

    private void declareChain(String declaration) {
      requireTable(":" + declaration);
      String[] parts = declaration.split("[ \t]+");
      if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
        throw new RuleSyntaxError("':CHAIN POLICY [packets:bytes]', got ':" + BadInput.excerpt(declaration) + "'");
      }
      String name = parts[0];
      Optional<Chain.Policy> policy = switch (parts[1]) {
        case "-" -> Optional.empty();
        case "ACCEPT" -> Optional.of(Chain.Policy.ACCEPT);
        case "DROP" -> Optional.of(Chain.Policy.DROP);
        default -> throw new RuleSyntaxError("a chain policy (ACCEPT, DROP, or '-' for a user chain), got '"
            + parts[1] + "'");
      };
      Counters counters = parts.length == 3 ? counters(parts[2]) : Counters.NONE;
      if (chains.containsKey(name)) {
        throw new RuleSyntaxError("each chain declared once, but '" + name + "' was already declared on line "
            + chains.get(name).line);
      }
      chains.put(name, new ChainBuilder(table, name, policy, counters, lineNumber));
    }

    private void rule(String line) {
      List<RuleToken> tokens = RuleTokenizer.tokenize(line);
      int i = 0;
      Counters counters = Counters.NONE;
      if (tokens.get(0).text().startsWith("[") && !tokens.get(0).quoted()) {
        counters = counters(tokens.get(0).text());
        i = 1;
      }
      if (i >= tokens.size() || !(tokens.get(i).text().equals("-A") || tokens.get(i).text().equals("--append"))) {
        throw new RuleSyntaxError("'-A CHAIN' (iptables-save writes only appends), got '" + BadInput.excerpt(line.strip()) + "'");
      }
      requireTable(line);
      if (i + 1 >= tokens.size() || tokens.get(i + 1).isOption()) {
        throw new RuleSyntaxError("a chain name after -A");
      }
      String chainName = tokens.get(i + 1).text();
      ChainBuilder chain = chains.get(chainName);
      if (chain == null) {
        throw new RuleSyntaxError("a chain declared in table '" + table.label() + "' ("
            + (sections != null ? "'-N " + chainName + "'" : "':" + chainName + " - [0:0]'")
            + " before its rules), got -A " + chainName);
      }
      RuleReader.Parsed parsed = new RuleReader(line, tokens, i + 2, addresses, modules, targets, strings).read();
      if (parsed.counters() != null) {
        counters = parsed.counters();
      }
      Rule rule = new Rule(table, chain.name, chain.rules.size() + 1, lineNumber, line, counters, parsed.matches(),
          parsed.target());
      chain.rules.add(rule);
      chain.jumpNames.add(parsed.jumpName());
    }

    private void commit() {
      if (table == null) {
        throw new RuleSyntaxError("'*table' before COMMIT (no table is open)");
      }
      Map<String, Chain> built = new LinkedHashMap<>();
      for (ChainBuilder b : chains.values()) {
        built.put(b.name, b.build(chains));
      }
      for (Chain chain : built.values()) {
        for (Rule rule : chain.rules()) {
          unknowns.count(rule);
        }
      }
      tables.put(table, new Table(table, built));
      table = null;
      chains = null;
    }

    private void requireTable(String line) {
      if (table == null) {
        throw new RuleSyntaxError("'*table' (for example '*filter') before '" + BadInput.excerpt(line.strip()) + "'");
      }
    }

    private static Counters counters(String text) {
      int colon = text.indexOf(':');
      if (text.length() < 5 || text.charAt(0) != '[' || text.charAt(text.length() - 1) != ']' || colon < 0) {
        throw new RuleSyntaxError("counters '[packets:bytes]', got '" + BadInput.excerpt(text) + "'");
      }
      try {
        long packets = Long.parseLong(text, 1, colon, 10);
        long bytes = Long.parseLong(text, colon + 1, text.length() - 1, 10);
        if (packets >= 0 && bytes >= 0) {
          return new Counters(packets, bytes);
        }
      } catch (NumberFormatException e) {
        // fall through to the message
      }
      throw new RuleSyntaxError("counters '[packets:bytes]', got '" + BadInput.excerpt(text) + "'");
    }
  }

  /** A chain being read: rules are added until COMMIT, when jumps to user chains are resolved. */
  private static final class ChainBuilder {
    final TableName table;
    final String name;
    final Optional<Chain.Policy> policy;
    final Counters counters;
    final int line;
    final List<Rule> rules = new ArrayList<>();
    final List<String> jumpNames = new ArrayList<>();

    ChainBuilder(TableName table, String name, Optional<Chain.Policy> policy, Counters counters, int line) {
      this.table = table;
      this.name = name;
      this.policy = policy;
      this.counters = counters;
      this.line = line;
    }

    Chain build(Map<String, ChainBuilder> tableChains) {
      List<Rule> resolved = new ArrayList<>(rules.size());
      for (int i = 0; i < rules.size(); i++) {
        Rule rule = rules.get(i);
        String jump = jumpNames.get(i);
        ChainBuilder callee = jump == null ? null : tableChains.get(jump);
        // A user chain wins over a target of the same name, as in iptables' own lookup.
        if (callee != null && callee.policy.isEmpty()) {
          rule = new Rule(rule.table(), rule.chain(), rule.position(), rule.line(), rule.text(), rule.counters(),
              rule.matches(), new Target.Jump(jump));
        }
        resolved.add(rule);
      }
      return new Chain(table, name, policy, counters, line, resolved);
    }
  }
}
