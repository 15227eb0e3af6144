package dev.breakwater.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a fleet: {@code N} snapshot directories {@code host-0001 ...} of realistic, varied size
 * (20 roles of 150 to 600 rules and 4 to 20 published ports, with allow-lists by source network),
 * each with its own hostname file, by {@link SnapshotGenerator}.
 *
 * <p>Usage: {@code FleetGenerator DIR N [SEED]}. Used by {@code bench/fleet-audit.sh}.
 */
public final class FleetGenerator {
  private static final int ROLES = 20;

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
      Path host = dir.resolve(String.format("host-%04d", i));
      SnapshotGenerator.write(host, roles[role][0], roles[role][1], seed + role);
      Files.writeString(host.resolve("hostname"), String.format("role%02d-%04d%n", role, i));
    }
  }
}
