package dev.breakwater.cli;

import dev.breakwater.audit.PortReach;
import java.nio.file.Path;
import java.util.List;

/** What the analysis of a snapshot directory predicts for each published port. */
final class Predictions {
  private Predictions() {}

  static List<PortReach> forSnapshot(Path dir) {
    // Wired to dev.breakwater.audit.HostAudit once it is on main.
    throw new UserError("--expect-from needs the host audit (dev.breakwater.audit.HostAudit), which is not in this build yet");
  }
}
