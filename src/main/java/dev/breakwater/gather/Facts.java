package dev.breakwater.gather;

import dev.breakwater.problem.EnvironmentProblem;

import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where a verb's host facts come from: a snapshot directory, or this host right now. */
public final class Facts {
  private Facts() {}

  public static HostFacts fromSnapshot(Path directory) {
    return SnapshotDirectory.read(directory);
  }

  public static HostFacts fromLiveHost(PrintWriter err) {
    return fromLiveHost(LiveGatherer.forThisHost(), err);
  }

  /**
   * Gathers a snapshot into a private temporary directory and reads it back, so a live audit and
   * {@code audit --from} on a snapshot of the same moment give the same answer.
   */
  public static HostFacts fromLiveHost(LiveGatherer gatherer, PrintWriter err) {
    Path directory;
    try {
      directory = Files.createTempDirectory("breakwater-live-");
    } catch (IOException e) {
      throw new EnvironmentProblem("cannot create a temporary directory for the live snapshot: " + e.getMessage());
    }
    try {
      gatherer.gather(directory).notes().forEach(note -> err.println("note: " + note));
      err.flush();
      return SnapshotDirectory.read(directory);
    } finally {
      if (!deleteTree(directory)) {
        err.println("note: could not remove " + directory);
      }
    }
  }

  /** Removes a directory this process made, and everything in it; false if some of it stayed. */
  public static boolean deleteTree(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
