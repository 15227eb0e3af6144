package dev.breakwater.firewall;

import dev.breakwater.policy.NftPolicyText;
import dev.breakwater.policy.PolicyCompiler;
import dev.breakwater.system.CommandFailed;
import dev.breakwater.system.NetfilterTools;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The nft kind of firewall, as a transaction sees it: Breakwater's own table {@code inet
 * breakwater}, read with {@code nft list table} and replaced by one {@code nft -f} (one kernel
 * transaction, all or nothing). Every failure is an {@link ApplyException}.
 *
 * <p>The backup is the table as {@code nft list table} prints it (text, not {@code -j}): nft reads
 * its own listing back byte for byte (lab: 282 of 282 Docker goldens round-tripped, nftables.md
 * 1.7), so putting it back is one {@code nft -f} of the delete and the listing.
 */
public final class NftBackend {
  private final NetfilterTools tools;

  public NftBackend(NetfilterTools tools) {
    this.tools = tools;
  }

  /** The table as nft lists it; empty when there is none. */
  public Optional<String> listTable() {
    return call(() -> tools.nftListTable(NftPolicyText.FAMILY, NftPolicyText.TABLE, false));
  }

  /** The same table as {@code nft -j list table}, for readers of nft's JSON (the snapshot's). */
  public Optional<String> listTableJson() {
    return call(() -> tools.nftListTable(NftPolicyText.FAMILY, NftPolicyText.TABLE, true));
  }

  void load(String script) {
    call(() -> {
      tools.nftApply(script);
      return null;
    });
  }

  void check(String script) {
    call(() -> {
      tools.nftCheck(script);
      return null;
    });
  }

  /** Lets {@code sources} in through one port's allow set: no rule is rewritten. */
  public void addAllowed(String set, List<IPAddress> sources) {
    call(() -> {
      tools.nftAddElements(NftPolicyText.FAMILY, NftPolicyText.TABLE, set, sources.stream().map(PolicyCompiler::prefixText).toList());
      return null;
    });
  }

  /** Takes {@code sources} out of one port's allow set. */
  public void removeAllowed(String set, List<IPAddress> sources) {
    call(() -> {
      tools.nftDeleteElements(NftPolicyText.FAMILY, NftPolicyText.TABLE, set, sources.stream().map(PolicyCompiler::prefixText).toList());
      return null;
    });
  }

  private static <T> T call(Supplier<T> command) {
    try {
      return command.get();
    } catch (CommandFailed e) {
      throw new ApplyException(e.getMessage());
    }
  }
}
