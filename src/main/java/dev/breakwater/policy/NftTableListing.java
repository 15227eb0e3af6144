package dev.breakwater.policy;

import dev.breakwater.net.AddressSets;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code nft list table inet breakwater} shows, read back for the apply's verification: the
 * sets with their elements and the chains with their header and rules. Elements are compared as
 * address sets (nft prints {@code 198.51.100.3} for {@code 198.51.100.3/32} and may print a range
 * {@code a-b}), rules as text (Breakwater writes them as nft prints them).
 *
 * @param sets set name to its elements as minimal prefix blocks
 * @param chains chain name to its lines: the {@code type ...} header first (when a base chain), then the rules
 */
public record NftTableListing(Map<String, List<IPAddress>> sets, Map<String, List<String>> chains) {

  public NftTableListing {
    sets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sets));
    chains = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(chains));
  }

  public static NftTableListing parse(String text) {
    Map<String, List<IPAddress>> sets = new LinkedHashMap<>();
    Map<String, List<String>> chains = new LinkedHashMap<>();
    String set = null;
    String chain = null;
    StringBuilder elements = null;
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (elements != null) {
        elements.append(' ').append(line);
        if (line.endsWith("}")) {
          sets.put(set, elements(elements.toString()));
          elements = null;
        }
        continue;
      }
      if (line.startsWith("set ") && line.endsWith("{")) {
        set = line.substring(4, line.length() - 1).strip();
        sets.put(set, List.of());
      } else if (line.startsWith("chain ") && line.endsWith("{")) {
        chain = line.substring(6, line.length() - 1).strip();
        chains.put(chain, new ArrayList<>());
      } else if (line.equals("}")) {
        if (set != null) {
          set = null;
        } else {
          chain = null;
        }
      } else if (set != null && line.startsWith("elements = {")) {
        elements = new StringBuilder(line.substring("elements = {".length()));
        if (line.endsWith("}")) {
          sets.put(set, elements(elements.toString()));
          elements = null;
        }
      } else if (chain != null && !line.isEmpty()) {
        chains.get(chain).add(line);
      }
    }
    return new NftTableListing(sets, chains);
  }

  private static List<IPAddress> elements(String list) {
    String inner = list.strip();
    if (inner.endsWith("}")) {
      inner = inner.substring(0, inner.length() - 1);
    }
    List<IPAddress> prefixes = new ArrayList<>();
    for (String part : inner.split(",")) {
      String element = part.strip();
      if (element.isEmpty()) {
        continue;
      }
      int dash = element.indexOf('-');
      if (dash > 0) {
        IPAddress lower = address(element.substring(0, dash).strip());
        IPAddress upper = address(element.substring(dash + 1).strip());
        prefixes.addAll(List.of(lower.spanWithPrefixBlocks(upper)));
      } else {
        prefixes.add(address(element));
      }
    }
    return AddressSets.union(prefixes);
  }

  private static IPAddress address(String text) {
    IPAddress address = new IPAddressString(text).getAddress();
    if (address == null) {
      throw new IllegalArgumentException("nft listed a set element that is not an address: " + text);
    }
    return address.isPrefixed() ? address.toPrefixBlock() : address.toPrefixBlock(address.getBitCount());
  }

  /** True when the table holds exactly {@code planned}: the same sets and elements, the one chain with its header and rules. */
  public boolean matches(NftPolicyText planned) {
    Map<String, List<IPAddress>> wanted = new LinkedHashMap<>();
    planned.sets().forEach(s -> wanted.put(s.name(), AddressSets.union(s.prefixes())));
    List<String> chain = new ArrayList<>();
    chain.add(NftPolicyText.CHAIN_HEADER);
    chain.addAll(planned.rules());
    return sets.equals(wanted) && chains.equals(Map.of(NftPolicyText.CHAIN, chain));
  }

  public Optional<List<String>> rules(String chainName) {
    return Optional.ofNullable(chains.get(chainName)).map(lines -> lines.stream().filter(l -> !l.startsWith("type ")).toList());
  }
}
