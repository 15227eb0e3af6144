package dev.breakwater.cli;

import dev.breakwater.snapshot.SnapshotDirectory;
import dev.breakwater.reach.PortReach;
import dev.breakwater.reach.Reachability;
import java.nio.file.Path;
import java.util.List;

/** What the analysis of a snapshot directory predicts for each published port. */
final class Predictions {
  private Predictions() {}

  /** Reads and analyses the snapshot; bad input surfaces as the readers' one-line errors. */
  static List<PortReach> forSnapshot(Path dir) {
    return Reachability.of(SnapshotDirectory.read(dir)).exposures();
  }
}
