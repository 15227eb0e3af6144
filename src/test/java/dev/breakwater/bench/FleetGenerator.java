package dev.breakwater.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Writes a fleet: {@code N} snapshot directories {@code host-0001 ...} the way a playbook leaves
 * them: 20 roles of 150 to 600 rules and 4 to 20 published ports (with allow-lists by source
 * network), on 4 sites whose hosts have another eth0 address each, and about one host in five
 * drifted from its role: one or two containers more (a hand-started one publishing a port), its
 * containers on other docker0 addresses (restarted in another order), or a source allowed by hand
 * in DOCKER-USER. Each host has its own hostname file. Hosts of one role and site that have not
 * drifted hold the same snapshot but for their name, as Ansible-managed hosts do; every drift
 * makes a snapshot of its own. Written by {@link SnapshotGenerator}.
 *
 * <p>Usage: {@code FleetGenerator DIR N [SEED]}. Used by {@code bench/fleet-audit.sh}.
 */
public final class FleetGenerator {
  private static final int ROLES = 20;
  private static final int SITES = 4;

  private FleetGenerator() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int hosts = Integer.parseInt(args[1]);
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 7;
    // A fleet is a few roles deployed many times: hosts of one role share their rules and ports,
    // so the fleet report has exposures many hosts share, as a real one does.
    int[][] roles = new int[ROLES][];
    Random random = new Random(seed);
    for (int r = 0; r < ROLES; r++) {
      roles[r] = new int[] {150 + random.nextInt(451), 4 + random.nextInt(17)};
    }
    for (int i = 1; i <= hosts; i++) {
      int role = i % ROLES;
      int site = (i / ROLES) % SITES;
      Random drifts = new Random(seed * 1_000_003L + i);
      int extraPorts = 0;
      int shift = 0;
      List<String> handAllows = List.of();
      int kind = drifts.nextInt(100);
      if (kind < 8) {
        extraPorts = 1 + drifts.nextInt(2);
      } else if (kind < 15) {
        shift = 1 + drifts.nextInt(3);
      } else if (kind < 20) {
        handAllows = List.of("203.0.113." + drifts.nextInt(256) + "/32");
      }
      Path host = dir.resolve(String.format("host-%04d", i));
      SnapshotGenerator.write(host, roles[role][0], roles[role][1] + extraPorts, seed + role,
          new SnapshotGenerator.Drift(shift, "198.51.100." + (10 + site), handAllows));
      Files.writeString(host.resolve("hostname"), String.format("role%02d-%04d%n", role, i));
    }
  }
}
