package dev.breakwater.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every byte a snapshot directory holds, but its {@code hostname}, as one value: two snapshots
 * are equal when each file of one is in the other at the same relative path with the same bytes.
 * A fleet audits equal snapshots once (hosts of one Ansible role often are), so this is every
 * regular file under the directory, not only the ones {@link SnapshotDirectory} reads today: a
 * file the reader learns to read later is in the key already, and a stray file only makes two
 * snapshots unequal (a second analysis, never a wrong one).
 *
 * <p>Each file's bytes are kept as an ISO-8859-1 string: one char per byte, so equality and the
 * hash are exactly the bytes', in a compact string. No digest: equal means byte-for-byte equal.
 *
 * @param files relative path ({@code fail2ban/jail.d/sshd.local}) to the file's bytes
 */
public record SnapshotContent(Map<String, String> files) {
  /** Beyond this many files the directory is not a snapshot anyone wrote: it is audited on its own. */
  static final int MAX_FILES = 1_000;

  public SnapshotContent {
    files = Map.copyOf(files);
  }

  /**
   * The directory's content, or empty when it cannot be taken as plain bytes: a symbolic link or a
   * special file anywhere under it, a file above the reader's size cap, too many files, or an error
   * while listing or reading. Such a snapshot is audited on its own, as if alone. Never throws.
   */
  public static Optional<SnapshotContent> of(Path dir) {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> entries = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isDirectory()) {
          continue;
        }
        if (!a.isRegularFile() || a.size() > SnapshotDirectory.FILE_LIMITS.maxBytes() || files.size() >= MAX_FILES) {
          return Optional.empty();
        }
        String relative = dir.relativize(p).toString();
        if (relative.equals("hostname")) {
          continue; // the host's name is the one thing equal snapshots do not share (SnapshotDirectory.hostname)
        }
        files.put(relative, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.of(new SnapshotContent(files));
  }
}
