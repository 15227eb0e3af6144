package dev.breakwater.cli;

import dev.breakwater.host.HostFacts;
import dev.breakwater.host.LiveGatherer;
import dev.breakwater.host.SnapshotDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where a verb's host facts come from: a snapshot directory, or this host right now. */
final class Facts {
  private Facts() {}

  static HostFacts fromSnapshot(Path directory) {
    return SnapshotDirectory.read(directory);
  }

  /**
   * Gathers a snapshot of this host into a private temporary directory and reads it back, so a
   * live audit and {@code audit --from} on a snapshot of the same moment give the same answer.
   */
  static HostFacts fromLiveHost(PrintWriter err) {
    Path directory;
    try {
      directory = Files.createTempDirectory("breakwater-live-");
    } catch (IOException e) {
      throw new UserError("cannot create a temporary directory for the live snapshot: " + e.getMessage());
    }
    try {
      LiveGatherer.Result result = LiveGatherer.forThisHost().gather(directory);
      result.notes().forEach(note -> err.println("note: " + note));
      err.flush();
      return SnapshotDirectory.read(directory);
    } finally {
      delete(directory);
    }
  }

  private static void delete(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
