package dev.breakwater.netfilter;

/**
 * A table whose rules exist on the host but are not (all) in the dump: the dump was cut
 * ({@code iptables-save -t filter}, a paste ending at a table), iptables-nft-save could not print
 * it ({@code # Table `nat' is incompatible, use 'nft' tool.}), or the legacy backend holds more
 * ({@code # Warning: iptables-legacy tables present}). The engine takes every outcome such a table
 * could give as possible, and says "possibly" where they differ.
 *
 * @param table the table whose rules are missing
 * @param extra true when the rules shown still apply and unseen ones come on top (the legacy
 *     backend's tables hook in beside iptables-nft's); false when the table is missing altogether
 * @param why the fact that says so, with its {@code file:line} when a line says it
 */
public record UnseenTable(TableName table, boolean extra, String why) {

  /** The sentence users read: which table, and why the engine thinks it exists. */
  public String text() {
    return (extra ? "rules of the " + table.label() + " table are not all in the dump"
        : "the " + table.label() + " table is not in the dump") + " (" + why + ")";
  }
}
