package dev.breakwater.netfilter;

import dev.breakwater.net.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One family's complete ruleset: iptables-save's (or ip6tables-save's) tables, and the nft tables
 * beside them.
 *
 * @param source where it was read from, for messages ({@code snapshot/iptables-save.txt})
 * @param tables the tables present, by name; a table that was not printed is absent
 * @param warnings what the parser kept but did not fully understand
 * @param unseen tables whose rules exist but are not (all) here: the engine treats them as unknown
 * @param nftTables the nftables tables of {@code nft -j list ruleset} that see this family and are
 *     not iptables-nft's own (those are in {@code tables}): their base chains run at their hooks too
 */
public record Ruleset(
    IpFamily family, String source, Map<TableName, Table> tables, List<String> warnings, List<UnseenTable> unseen,
    List<NftTable> nftTables) {

  public Ruleset {
    tables = Map.copyOf(tables);
    warnings = List.copyOf(warnings);
    unseen = List.copyOf(unseen);
    nftTables = List.copyOf(nftTables);
  }

  /** A ruleset read from iptables-save alone. */
  public Ruleset(
      IpFamily family, String source, Map<TableName, Table> tables, List<String> warnings, List<UnseenTable> unseen) {
    this(family, source, tables, warnings, unseen, List.of());
  }

  /**
   * This ruleset with the nft tables that see its family ({@code ip} for IPv4, {@code ip6} for
   * IPv6, {@code inet} and {@code netdev} for both): their base chains run beside iptables' tables.
   */
  public Ruleset withNftTables(List<NftTable> all) {
    return new Ruleset(family, source, tables, warnings, unseen,
        all.stream().filter(t -> t.family().sees(family)).toList());
  }

  /** A ruleset that is the whole firewall of its family. */
  public Ruleset(IpFamily family, String source, Map<TableName, Table> tables, List<String> warnings) {
    this(family, source, tables, warnings, List.of());
  }

  /** The unseen parts of {@code table}, empty when the dump shows all of it. */
  public List<UnseenTable> unseen(TableName table) {
    return unseen.stream().filter(u -> u.table() == table).toList();
  }

  /** This ruleset with one more unseen table (a fact learnt beside the dump: published ports). */
  public Ruleset withUnseen(UnseenTable more) {
    List<UnseenTable> all = new java.util.ArrayList<>(unseen);
    all.add(more);
    return new Ruleset(family, source, tables, warnings, all, nftTables);
  }

  public Optional<Table> table(TableName name) {
    return Optional.ofNullable(tables.get(name));
  }

  public Optional<Chain> chain(TableName table, String chain) {
    return table(table).flatMap(t -> t.chain(chain));
  }

  public static Ruleset empty(IpFamily family, String source) {
    return new Ruleset(family, source, Map.of(), List.of());
  }
}
