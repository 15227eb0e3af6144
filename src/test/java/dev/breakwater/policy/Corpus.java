package dev.breakwater.policy;

import dev.breakwater.host.HostFacts;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Snapshot directories of src/test/resources/corpus, read the way the CLI reads them. */
public final class Corpus {
  private Corpus() {}

  public static Path dir(String scenario) {
    try {
      return Path.of(Corpus.class.getResource("/corpus/" + scenario).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static HostFacts facts(String scenario) {
    return SnapshotDirectory.read(dir(scenario));
  }
}
