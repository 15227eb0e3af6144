package dev.breakwater.system;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The one way Breakwater replaces a file: the new content goes to a temporary file in the same
 * directory, is forced to disk, and is renamed over the target, and the directory is forced too.
 * A reader (or the next boot, after a crash) sees the old file or the new one, never half of one.
 * A target that is a symbolic link is refused: renaming over it would replace the link, not the
 * file it points to, and following it would write wherever it was planted to point.
 */
public final class AtomicFile {
  /** The step that puts the new file in place; a seam so that a test can make it fail. */
  @FunctionalInterface
  interface Rename {
    void move(Path from, Path to) throws IOException;
  }

  private static final Rename ATOMIC = (from, to) -> {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same directory, so the same file system: this happens only on file systems without rename(2).
      throw new IOException(to.getParent() + " does not support atomic renames", e);
    }
  };

  private AtomicFile() {}

  public static void write(Path target, String content) throws IOException {
    write(target, content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Replaces {@code target} with {@code content}; an existing target keeps its permissions.
   *
   * @throws IOException when anything fails; the target is then as it was
   */
  public static void write(Path target, byte[] content) throws IOException {
    write(target, content, ATOMIC);
  }

  static void write(Path target, byte[] content, Rename rename) throws IOException {
    if (Files.isSymbolicLink(target)) {
      throw new IOException(target + " is a symbolic link: not written through (write the file it points to, "
          + target.toRealPath() + ")");
    }
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.write(temp, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      keepPermissions(target, temp);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      rename.move(temp, target);
      // The rename itself is durable only once the directory entry is on disk.
      try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
        directory.force(true);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** createTempFile makes the file 0600; a file that existed keeps its own mode. */
  private static void keepPermissions(Path target, Path temp) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)
        || Files.getFileAttributeView(target, PosixFileAttributeView.class) == null) {
      return;
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(temp, mode);
  }
}
