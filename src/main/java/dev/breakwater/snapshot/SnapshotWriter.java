package dev.breakwater.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
      throw new UncheckedIOException("cannot create " + directory + ": " + e.getMessage(), e);
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
      Path temp = Files.createTempFile(directory, "." + fileName, ".tmp");
      try {
        Files.write(temp, content);
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
