package dev.breakwater.cli;

import dev.breakwater.policy.FirewallBackend;
import picocli.CommandLine.Option;

/** {@code --backend nft|iptables|auto}: which kind of firewall plan shows and apply writes. */
final class BackendOption {
  @Option(names = "--backend", paramLabel = "KIND", defaultValue = "auto",
      description = "iptables: the BREAKWATER chain jumped to from DOCKER-USER; nft: the 'inet breakwater' table at "
          + "forward priority filter - 1; auto (default): iptables, because the plan's proof reads iptables rules "
          + "(see docs/policy.md, 'Which backend').")
  String backend;

  FirewallBackend backend() {
    return switch (backend) {
      case "auto", "iptables" -> FirewallBackend.IPTABLES;
      case "nft" -> FirewallBackend.NFT;
      default -> throw new UserError("--backend: expected nft, iptables or auto, got '" + backend + "'", ExitCodes.BAD_INPUT);
    };
  }
}
