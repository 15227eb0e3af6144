package dev.breakwater.snapshot;

import dev.breakwater.host.HostFacts;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The tests' one corpus locator: the snapshot directories of src/test/resources/corpus, on the test class path. */
public final class Corpus {
  private Corpus() {}

  /** The corpus directory, holding one snapshot directory per scenario. */
  public static Path root() {
    try {
      return Path.of(Corpus.class.getResource("/corpus").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The snapshot directory of {@code scenario}. */
  public static Path dir(String scenario) {
    return root().resolve(scenario);
  }

  /** {@link #dir} as a command-line argument. */
  public static String arg(String scenario) {
    return dir(scenario).toString();
  }

  /** A copy of {@code scenario}'s files in {@code target} (created), for a test that changes them. */
  public static Path copy(String scenario, Path target) throws java.io.IOException {
    java.nio.file.Files.createDirectories(target);
    try (var files = java.nio.file.Files.list(dir(scenario))) {
      for (Path f : files.toList()) {
        java.nio.file.Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    return target;
  }

  /** The scenario read the way the CLI reads it. */
  public static HostFacts facts(String scenario) {
    return SnapshotDirectory.read(dir(scenario));
  }
}
