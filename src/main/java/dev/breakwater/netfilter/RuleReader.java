package dev.breakwater.netfilter;

import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the options of one {@code -A} line (everything after the chain name) into matches and a
 * target, in one pass over the tokens.
 *
 * <p>As in iptables, an option after {@code -m NAME} belongs to that module until the next
 * {@code -m}, core option or {@code -j}; options after {@code -j NAME} belong to the target.
 * Options written without {@code -m} after {@code -p tcp|udp|...} belong to the protocol's
 * module, which iptables loads implicitly.
 */
final class RuleReader {

  /** The result for one line. {@code jumpName} is the {@code -j} name, resolved against user chains later. */
  record Parsed(Counters counters, List<Match> matches, Target target, String jumpName) {}

  private final String line;
  private final List<RuleToken> tokens;
  private final AddressParser addresses;
  private final ModuleMatches modules;
  private final TargetParser targets;
  private final StringPool strings;

  private static final Target NO_TARGET = new Target.Continue("", "");

  private int pos;
  private final List<Match> matches = new ArrayList<>();
  private Counters counters;

  private String module;
  private boolean moduleFresh;
  private final List<OptionEntry> block = new ArrayList<>();
  private String protocolModule;

  private String targetName;
  private boolean isGoto;
  private List<OptionEntry> targetOptions;

  RuleReader(String line, List<RuleToken> tokens, int from, AddressParser addresses, ModuleMatches modules,
      TargetParser targets, StringPool strings) {
    this.strings = strings;
    this.line = line;
    this.tokens = tokens;
    this.pos = from;
    this.addresses = addresses;
    this.modules = modules;
    this.targets = targets;
  }

  Parsed read() {
    while (pos < tokens.size()) {
      OptionEntry e = readEntry();
      if (isCore(e.name())) {
        flushBlock();
        core(e);
      } else if (!e.name().startsWith("--")) {
        throw new RuleSyntaxError("an iptables rule option, got '" + e.name() + "'");
      } else if (targetOptions != null && module == null) {
        targetOptions.add(e);
      } else if (module != null) {
        block.add(e);
      } else {
        looseOption(e);
      }
    }
    flushBlock();
    return new Parsed(counters, matches, target(), isGoto ? null : targetName);
  }

  private OptionEntry readEntry() {
    RuleToken first = tokens.get(pos);
    boolean negated = false;
    if (first.isBang()) {
      negated = true;
      pos++;
      if (pos >= tokens.size() || !tokens.get(pos).isOption()) {
        throw new RuleSyntaxError("an option after '!'");
      }
    }
    RuleToken option = tokens.get(pos++);
    if (!option.isOption()) {
      throw new RuleSyntaxError("an option (starting with '-'), got '" + option.text() + "'");
    }
    // The old spelling "-s ! 10.0.0.0/8" puts the negation after the option.
    if (pos + 1 < tokens.size() && tokens.get(pos).isBang() && !tokens.get(pos + 1).isOption()) {
      negated = !negated;
      pos++;
    }
    List<RuleToken> values = List.of();
    int end = option.end();
    int v = pos;
    while (v < tokens.size() && !tokens.get(v).isOption() && !tokens.get(v).isBang()) {
      v++;
    }
    if (v > pos) {
      values = tokens.subList(pos, v);
      end = tokens.get(v - 1).end();
      pos = v;
    }
    return new OptionEntry(line, option.text(), negated, values, first.start(), end);
  }

  private static boolean isCore(String name) {
    return switch (name) {
      case "-s", "--source", "--src", "-d", "--destination", "--dst", "-i", "--in-interface", "-o",
          "--out-interface", "-p", "--protocol", "-f", "--fragment", "-m", "--match", "-j", "--jump", "-g",
          "--goto", "-c", "--set-counters", "-4", "--ipv4", "-6", "--ipv6" -> true;
      default -> false;
    };
  }

  private void core(OptionEntry e) {
    switch (e.name()) {
      case "-s", "--source", "--src" -> address(e, Match.Side.SOURCE);
      case "-d", "--destination", "--dst" -> address(e, Match.Side.DESTINATION);
      case "-i", "--in-interface" -> matches.add(new Match.Interface(true, strings.of(interfaceName(e)), e.negated()));
      case "-o", "--out-interface" -> matches.add(new Match.Interface(false, strings.of(interfaceName(e)), e.negated()));
      case "-p", "--protocol" -> protocol(e);
      case "-f", "--fragment" -> {
        e.requireArity(0, "no value");
        matches.add(new Match.Fragment(e.negated()));
      }
      case "-m", "--match" -> {
        notNegated(e);
        module = strings.of(e.single());
        moduleFresh = true;
      }
      case "-j", "--jump", "-g", "--goto" -> {
        notNegated(e);
        if (targetName != null) {
          throw new RuleSyntaxError("one -j or -g per rule, got a second '" + e.name() + "'");
        }
        targetName = strings.of(e.single());
        isGoto = e.name().equals("-g") || e.name().equals("--goto");
        targetOptions = new ArrayList<>();
        module = null;
      }
      case "-c", "--set-counters" -> {
        e.requireArity(2, "packet and byte counts");
        counters = new Counters(count(e.value(0)), count(e.value(1)));
      }
      default -> notNegated(e); // -4 / -6: restore's family filters; this dump has one family
    }
  }

  private void notNegated(OptionEntry e) {
    if (e.negated()) {
      throw new RuleSyntaxError("no '!' before " + e.name() + " (it cannot be negated)");
    }
  }

  private static long count(String text) {
    try {
      long n = Long.parseLong(text);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ex) {
      // fall through to the message
    }
    throw new RuleSyntaxError("a counter (a non-negative number), got '" + text + "'");
  }

  private void address(OptionEntry e, Match.Side side) {
    String value = e.single();
    if (value.indexOf(',') >= 0) {
      // iptables expands "-s a,b" into one rule per address when it inserts; a dump never has it.
      throw new RuleSyntaxError("one address after " + e.name() + " (iptables-save prints one rule per address), got '"
          + value + "'");
    }
    IPAddress prefix = addresses.prefix(value);
    matches.add(prefix == AddressParser.NON_CONTIGUOUS
        ? new Match.Unknown("", strings.of(e.text()))
        : new Match.Address(side, prefix, e.negated()));
  }

  private static String interfaceName(OptionEntry e) {
    String name = e.single();
    // IFNAMSIZ is 16 with the terminating NUL; '/' and blanks can never be in an interface name.
    if (name.length() > 15 || name.indexOf('/') >= 0) {
      throw new RuleSyntaxError("an interface name of at most 15 characters after " + e.name() + ", got '" + name + "'");
    }
    return name;
  }

  private void protocol(OptionEntry e) {
    String name = e.single();
    int number = ProtocolNames.number(name);
    if (number < 0) {
      matches.add(new Match.Unknown("", strings.of(e.text())));
      protocolModule = null;
      return;
    }
    protocolModule = ProtocolNames.implicitModule(number);
    if (number != ProtocolNames.ALL || e.negated()) {
      matches.add(new Match.Protocol(number, strings.of(name), e.negated()));
    }
  }

  /** A long option with no {@code -m} before it: the protocol's implicit module, or unknown. */
  private void looseOption(OptionEntry e) {
    if (protocolModule == null || !modules.option(protocolModule, e, matches)) {
      matches.add(new Match.Unknown("", strings.of(e.text())));
    }
  }

  private void flushBlock() {
    if (module == null) {
      return;
    }
    if (module.equals("addrtype")) {
      modules.addrtype(block, matches);
    } else if (module.equals("ipv4options")) {
      modules.ipv4options(block, matches);
    } else if (ModuleMatches.isExtensionHeader(module)) {
      modules.extensionHeader(module, block, moduleFresh, matches);
    } else if (ModuleMatches.isModelled(module)) {
      for (OptionEntry e : block) {
        if (!modules.option(module, e, matches)
            && (protocolModule == null || !modules.option(protocolModule, e, matches))) {
          matches.add(new Match.Unknown(module, strings.of(e.text())));
        }
      }
    } else {
      unmodelledBlock();
    }
    block.clear();
    moduleFresh = false;
  }

  /**
   * A module Breakwater does not model: one {@link Match.Unknown} for its options, even when it
   * has none ({@code -m socket} alone still decides whether a packet matches).
   */
  private void unmodelledBlock() {
    if (block.isEmpty()) {
      if (moduleFresh) {
        matches.add(new Match.Unknown(module, ""));
      }
      return;
    }
    matches.add(new Match.Unknown(module,
        strings.of(line.substring(block.get(0).start(), block.get(block.size() - 1).end()))));
  }

  private Target target() {
    if (targetName == null) {
      return NO_TARGET;
    }
    String text = targetOptions.isEmpty()
        ? ""
        : line.substring(targetOptions.get(0).start(), targetOptions.get(targetOptions.size() - 1).end());
    if (isGoto) {
      if (!targetOptions.isEmpty()) {
        throw new RuleSyntaxError("no options after -g " + targetName + ", got '" + text + "'");
      }
      return new Target.Goto(targetName);
    }
    return targets.target(targetName, targetOptions, text);
  }
}
