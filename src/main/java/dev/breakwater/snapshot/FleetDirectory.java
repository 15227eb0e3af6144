package dev.breakwater.snapshot;

import dev.breakwater.problem.BadInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which snapshot directories an {@code audit --from} names. A directory is a snapshot when it
 * holds {@code iptables-save.txt}; a directory without one is a fleet when some subdirectory of it
 * is a snapshot, and then every subdirectory that holds a file of the snapshot contract is a
 * member. A member that lacks {@code iptables-save.txt} (a half-copied snapshot) is still a member:
 * it is reported as that host's bad input, never silently left out of the fleet.
 */
public final class FleetDirectory {
  /** The file that makes a directory a snapshot. */
  static final String MARK = "iptables-save.txt";
  /** The required files of {@link SnapshotDirectory}: any of them makes a subdirectory a member. */
  private static final List<String> REQUIRED = List.of(MARK, "docker-inspect.json", "ip-addr.json");

  private FleetDirectory() {}

  public static boolean isSnapshot(Path dir) {
    return Files.isRegularFile(dir.resolve(MARK));
  }

  /** A directory that is not a snapshot itself but has a snapshot among its subdirectories. */
  public static boolean isFleet(Path dir) {
    return Files.isDirectory(dir) && !isSnapshot(dir) && subdirectories(dir).stream().anyMatch(FleetDirectory::isSnapshot);
  }

  /**
   * Every {@code --from} as the snapshot directories it stands for, in the order given (a fleet's
   * members by name), each once. Anything that is not a fleet stays itself: reading it says what
   * is wrong with it (missing, or without iptables-save.txt).
   *
   * @throws BadInput when a fleet directory cannot be listed
   */
  public static List<Path> expand(List<Path> froms) {
    Set<Path> seen = new LinkedHashSet<>();
    for (Path from : froms) {
      if (isFleet(from)) {
        seen.addAll(members(from));
      } else {
        seen.add(from.toAbsolutePath().normalize());
      }
    }
    return List.copyOf(seen);
  }

  /** The fleet's members, sorted by directory name; hidden directories are not members. */
  static List<Path> members(Path fleet) {
    List<Path> members = new ArrayList<>();
    for (Path sub : subdirectories(fleet)) {
      if (REQUIRED.stream().anyMatch(file -> Files.exists(sub.resolve(file)))) {
        members.add(sub.toAbsolutePath().normalize());
      }
    }
    return members;
  }

  private static List<Path> subdirectories(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new BadInput(dir + ": cannot list the fleet directory: " + e.getMessage());
    }
  }
}
