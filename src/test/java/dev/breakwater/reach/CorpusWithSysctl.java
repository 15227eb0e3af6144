package dev.breakwater.reach;

import dev.breakwater.snapshot.Corpus;
import dev.breakwater.snapshot.SnapshotDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A corpus snapshot, copied under {@code temp} with a sysctl.txt added: the sysctl tests' host. */
final class CorpusWithSysctl {
  private final String corpus;
  private final Path temp;

  CorpusWithSysctl(String corpus, Path temp) {
    this.corpus = corpus;
    this.temp = temp;
  }

  /** The snapshot with {@code sysctl} as its sysctl.txt, or without one when null. */
  Reachability withSysctl(String sysctl) throws IOException {
    Path dir = Files.createTempDirectory(temp, "snapshot-");
    try (Stream<Path> files = Files.list(Corpus.dir(corpus))) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    if (sysctl != null) {
      Files.writeString(dir.resolve("sysctl.txt"), sysctl);
    }
    return Reachability.of(SnapshotDirectory.read(dir));
  }
}
