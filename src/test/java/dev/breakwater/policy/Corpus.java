package dev.breakwater.policy;

import dev.breakwater.host.HostFacts;
import dev.breakwater.host.SnapshotDirectory;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Snapshot directories of src/test/resources/corpus, read the way the CLI reads them. */
final class Corpus {
  private Corpus() {}

  static Path dir(String scenario) {
    try {
      return Path.of(Corpus.class.getResource("/corpus/" + scenario).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static HostFacts facts(String scenario) {
    return SnapshotDirectory.read(dir(scenario));
  }
}
