package dev.breakwater.netfilter;

import dev.breakwater.net.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One family's complete ruleset as iptables-save (or ip6tables-save) printed it.
 *
 * @param source where it was read from, for messages ({@code snapshot/iptables-save.txt})
 * @param tables the tables present, by name; a table that was not printed is absent
 * @param warnings what the parser kept but did not fully understand
 */
public record Ruleset(
    IpFamily family, String source, Map<TableName, Table> tables, List<String> warnings) {

  public Ruleset {
    tables = Map.copyOf(tables);
    warnings = List.copyOf(warnings);
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
