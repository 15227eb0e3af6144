package dev.breakwater.netfilter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One nftables table, read from {@code nft -j list ruleset}: its chains (rules already in the
 * {@link Match}/{@link Target} model, sets and verdict maps resolved into the rules) and which of
 * them are base chains.
 *
 * @param chains every chain by name, in the order nft printed them; a rule cites its table by {@link #label()}
 * @param baseChains the chains the kernel calls, with hook, type and priority
 * @param unknown what the reader could not model in this table (a set filled at run time, an
 *     expression never seen): the rules that use it hold {@link Match.Unknown} or {@link Target.Unknown}
 */
public record NftTable(NftFamily family, String name, Map<String, Chain> chains, List<BaseChain> baseChains,
    List<String> unknown) {

  /**
   * The start of {@link #unknown()}'s entry for a bridge family base chain: bridged packets are
   * not walked, so every answer that reaches a container may be changed by it.
   */
  public static final String BRIDGED = "a bridge family base chain filters packets on their way to a container";

  public NftTable {
    chains = Collections.unmodifiableMap(new LinkedHashMap<>(chains));
    baseChains = List.copyOf(baseChains);
    unknown = List.copyOf(unknown);
  }

  /** {@code inet firewalld}: how nft names the table, and how citations do. */
  public String label() {
    return label(family, name);
  }

  public static String label(NftFamily family, String name) {
    return family.label() + " " + name;
  }

  public Optional<Chain> chain(String chainName) {
    return Optional.ofNullable(chains.get(chainName));
  }
}
