package dev.breakwater.cli;

import dev.breakwater.host.HostFacts;
import dev.breakwater.host.SnapshotDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Where a verb's host facts come from: a snapshot directory, or this host right now. */
final class Facts {
  private Facts() {}

  static HostFacts fromSnapshot(Path directory) {
    return SnapshotDirectory.read(directory);
  }

  static HostFacts fromLiveHost(PrintWriter err) {
    throw new UserError("auditing the live host is not available in this build yet: "
        + "write a snapshot (docs/snapshot.md) and use --from DIR");
  }
}
