package dev.breakwater.netfilter;

import dev.breakwater.problem.BadInput;
import dev.breakwater.net.IpFamily;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressSeqRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code ipset save} output ({@code create NAME TYPE options} and {@code add NAME ENTRY
 * options} lines) into the address sets that {@code -m set --match-set} rules refer to.
 *
 * <p>Only sets whose content is a plain list of addresses are returned: {@code hash:ip}, {@code
 * hash:net} and {@code bitmap:ip}. A set of another type ({@code hash:ip,port}, {@code list:set}
 * ...) or one with {@code nomatch} exceptions is left out, so a rule using it stays unresolved
 * and answers about it say "possibly" rather than claim a content the set does not have.
 */
public final class IpsetSaveParser {
  private static final Set<String> ADDRESS_TYPES = Set.of("hash:ip", "hash:net", "bitmap:ip");

  private IpsetSaveParser() {}

  /**
   * @param sourceName the file name used in messages ({@code snapshot/ipset-save.txt})
   * @return set name to members (prefixes), in the order the sets were created
   * @throws RulesetParseException with {@code sourceName:line: what was expected}
   */
  public static Map<String, List<IPAddress>> parse(String text, String sourceName) {
    Map<String, SetBuilder> sets = new LinkedHashMap<>();
    int lineNumber = 0;
    for (String raw : text.split("\n", -1)) {
      lineNumber++;
      String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      try {
        List<RuleToken> tokens = RuleTokenizer.tokenize(line);
        String verb = tokens.get(0).text();
        if (tokens.size() < 3 || !(verb.equals("create") || verb.equals("add"))) {
          throw new RuleSyntaxError("'create NAME TYPE ...' or 'add NAME ENTRY ...', got '" + BadInput.excerpt(stripped) + "'");
        }
        String name = tokens.get(1).text();
        if (verb.equals("create")) {
          if (sets.containsKey(name)) {
            throw new RuleSyntaxError("each set created once, but '" + name + "' was already created on line "
                + sets.get(name).line);
          }
          sets.put(name, SetBuilder.create(tokens, lineNumber));
        } else {
          SetBuilder set = sets.get(name);
          if (set == null) {
            throw new RuleSyntaxError("'create " + name + " ...' before 'add " + name + " ...'");
          }
          set.add(tokens);
        }
      } catch (RuleSyntaxError e) {
        throw new RulesetParseException(sourceName, lineNumber, "expected " + e.getMessage());
      }
    }
    Map<String, List<IPAddress>> result = new LinkedHashMap<>();
    sets.forEach((name, set) -> {
      if (set.representable) {
        result.put(name, List.copyOf(set.members));
      }
    });
    return Collections.unmodifiableMap(result);
  }

  /** One set as its lines are read. */
  private static final class SetBuilder {
    final int line;
    final AddressParser addresses;
    final int netmask;
    boolean representable;
    final List<IPAddress> members = new ArrayList<>();

    private SetBuilder(int line, AddressParser addresses, int netmask, boolean representable) {
      this.line = line;
      this.addresses = addresses;
      this.netmask = netmask;
      this.representable = representable;
    }

    static SetBuilder create(List<RuleToken> tokens, int line) {
      String type = tokens.get(2).text();
      IpFamily family = IpFamily.V4;
      int netmask = -1;
      for (int i = 3; i < tokens.size(); i++) {
        String word = tokens.get(i).text();
        if (word.equals("family") && i + 1 < tokens.size()) {
          family = switch (tokens.get(++i).text()) {
            case "inet" -> IpFamily.V4;
            case "inet6" -> IpFamily.V6;
            default -> throw new RuleSyntaxError("'family inet' or 'family inet6', got 'family "
                + tokens.get(i).text() + "'");
          };
        } else if (word.equals("netmask") && i + 1 < tokens.size()) {
          netmask = number(tokens.get(++i).text(), "a netmask length");
        }
      }
      return new SetBuilder(line, new AddressParser(family), netmask, ADDRESS_TYPES.contains(type));
    }

    void add(List<RuleToken> tokens) {
      for (int i = 3; i < tokens.size(); i++) {
        if (tokens.get(i).text().equals("nomatch")) {
          // An exception inside a hash:net set: the content is no longer a plain union.
          representable = false;
        }
      }
      if (!representable) {
        return;
      }
      String entry = tokens.get(2).text();
      int dash = entry.indexOf('-');
      if (dash >= 0 && entry.indexOf('/') < 0) {
        IPAddress from = addresses.host(entry.substring(0, dash));
        IPAddress to = addresses.host(entry.substring(dash + 1));
        IPAddressSeqRange range = from.spanWithRange(to);
        Collections.addAll(members, range.spanWithPrefixBlocks());
        return;
      }
      IPAddress prefix = addresses.prefix(entry);
      if (prefix == AddressParser.NON_CONTIGUOUS) {
        throw new RuleSyntaxError("an address or prefix, got '" + entry + "'");
      }
      if (netmask >= 0 && netmask < prefix.getBitCount()) {
        prefix = prefix.toPrefixBlock(netmask);
      }
      members.add(prefix);
    }

    private static int number(String text, String what) {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new RuleSyntaxError(what + ", got '" + text + "'");
      }
    }
  }
}
