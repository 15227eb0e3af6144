package dev.breakwater.audit;

import dev.breakwater.host.HostFacts;

/**
 * Where an owner can filter a published port on this host, so that advice never names a chain
 * that does not exist. Docker's nftables backend has no DOCKER-USER ("In Docker's nftables
 * implementation, there is no DOCKER-USER chain", Docker docs firewall-nftables.md): the place is
 * a table of one's own at the forward hook, priority filter - 1, before Docker's {@code filter-FORWARD}.
 */
enum DockerFilterSite {
  /** The iptables backend: DOCKER-USER, jumped to first from FORWARD. */
  DOCKER_USER,
  /** Docker's nftables backend and no DOCKER-USER that FORWARD jumps to. */
  NFT_TABLE,
  /**
   * Docker's nftables backend, and a DOCKER-USER left behind by the iptables backend that FORWARD
   * still jumps to: moby's cleaner keeps both, so its rules filter until a reboot.
   */
  LEFTOVER_DOCKER_USER;

  static DockerFilterSite of(HostFacts facts) {
    if (!facts.dockerUsesNftables()) {
      return DOCKER_USER;
    }
    return facts.hasDockerUserChain() && facts.forwardJumpsToDockerUser() ? LEFTOVER_DOCKER_USER : NFT_TABLE;
  }

  /** The tail of "..., or " in a fix: where and with which command. */
  String filterIn() {
    return switch (this) {
      case DOCKER_USER -> "filter in DOCKER-USER ('breakwater plan --policy FILE')";
      case NFT_TABLE, LEFTOVER_DOCKER_USER -> NFT_PLACE;
    };
  }

  private static final String NFT_PLACE = "filter in a table of your own at forward priority filter - 1, after a"
      + " 'ct state established,related accept' ('breakwater plan --policy FILE --backend nft' writes and proves it)";

  /** The fix for a published port UFW denies but Docker lets through, on an nftables-backend host. */
  String ufwBypassFix(int hostPort) {
    String bind = "Bind the port to 127.0.0.1 (or an internal address) if only this host needs it, or ";
    return switch (this) {
      case DOCKER_USER -> throw new IllegalStateException("the iptables backend's fix is Auditor's");
      case NFT_TABLE -> bind + NFT_PLACE.replace("filter in", "filter it in")
          + ". Docker's nftables backend has no DOCKER-USER chain: rules written for one filter nothing, and"
          + " UFW's INPUT rules never see port " + hostPort + ".";
      case LEFTOVER_DOCKER_USER -> bind + NFT_PLACE.replace("filter in", "filter it in")
          + ". DOCKER-USER here is left over from Docker's iptables backend: FORWARD still jumps to it, so its"
          + " rules still filter until the next reboot, and nothing recreates it then; do not rely on it.";
    };
  }
}
