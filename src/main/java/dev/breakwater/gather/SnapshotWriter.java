package dev.breakwater.gather;

import dev.breakwater.problem.EnvironmentProblem;
import dev.breakwater.system.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the files of a snapshot directory, each atomically (a temporary file in the same
 * directory, then a rename), so a reader never sees half a file.
 */
public final class SnapshotWriter {
  private final Path directory;

  public SnapshotWriter(Path directory) {
    this.directory = directory;
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new EnvironmentProblem("cannot create the snapshot directory " + directory + " (" + e + "): choose a directory you may write to");
    }
  }

  public Path directory() {
    return directory;
  }

  public Path write(String fileName, String content) {
    return write(fileName, content.getBytes(StandardCharsets.UTF_8));
  }

  public Path write(String fileName, byte[] content) {
    if (fileName.contains("/") || fileName.startsWith(".")) {
      throw new IllegalArgumentException("not a snapshot file name: " + fileName);
    }
    Path target = directory.resolve(fileName);
    try {
      AtomicFile.write(target, content);
      return target;
    } catch (IOException e) {
      throw new EnvironmentProblem("cannot write " + target + " (" + e + "): the snapshot is incomplete; choose a directory you may write to");
    }
  }
}
