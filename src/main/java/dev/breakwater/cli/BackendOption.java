package dev.breakwater.cli;

import dev.breakwater.host.HostFacts;
import dev.breakwater.policy.FirewallBackend;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --backend nft|iptables|auto}: which kind of firewall plan shows and apply writes. */
final class BackendOption {
  @Option(names = "--backend", paramLabel = "KIND", defaultValue = "auto",
      description = "iptables: the BREAKWATER chain jumped to from DOCKER-USER; nft: the 'inet breakwater' table at "
          + "forward priority filter - 1; auto (default): nft when Docker writes its rules with nftables and there "
          + "is no DOCKER-USER chain, iptables otherwise (see docs/policy.md, 'Which backend auto picks').")
  String backend;

  /** Checks the word before any fact is read: a typo is exit 2 at once. */
  void check() {
    if (!backend.equals("auto") && !backend.equals("iptables") && !backend.equals("nft")) {
      throw new UserError("--backend: expected nft, iptables or auto, got '" + backend + "'", ExitCodes.BAD_INPUT);
    }
  }

  /**
   * The backend for this host; says on {@code err} which one auto chose and why. The iptables
   * backend needs DOCKER-USER to jump from (PlannedRuleset, IptablesBackend), which Docker's
   * nftables backend never creates ("there is no DOCKER-USER chain", Docker docs firewall-nftables.md).
   */
  FirewallBackend resolve(HostFacts facts, PrintWriter err) {
    check();
    boolean dockerUser = facts.hasDockerUserChain();
    FirewallBackend kind = switch (backend) {
      case "nft" -> FirewallBackend.NFT;
      case "iptables" -> FirewallBackend.IPTABLES;
      default -> facts.dockerUsesNftables() && !dockerUser ? FirewallBackend.NFT : FirewallBackend.IPTABLES;
    };
    if (kind == FirewallBackend.IPTABLES && !dockerUser) {
      throw new UserError("--backend " + backend + ": " + facts.ipv4().source() + " has no DOCKER-USER chain to jump from"
          + (facts.dockerUsesNftables()
              ? " (Docker's nftables backend has none); use --backend nft"
              : "; start dockerd (it creates DOCKER-USER) or use --backend nft"), ExitCodes.BAD_INPUT);
    }
    if (backend.equals("auto")) {
      err.println("note: --backend auto chose " + (kind == FirewallBackend.NFT
          ? "nft: Docker writes its rules with nftables and there is no DOCKER-USER chain"
          : "iptables: FORWARD's DOCKER-USER chain is there to jump from"
              + (facts.dockerUsesNftables()
                  ? " (left over from Docker's iptables backend; it filters until reboot, --backend nft does not rely on it)"
                  : "")));
      err.flush();
    }
    return kind;
  }
}
