package dev.breakwater.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every byte a snapshot directory holds, but its {@code hostname}, as one value: two snapshots
 * are equal when each file of one is in the other at the same relative path with the same bytes.
 * A fleet audits equal snapshots once (hosts of one Ansible role often are), so this is every
 * regular file under the directory, not only the ones {@link SnapshotDirectory} reads today: a
 * file the reader learns to read later is in the key already, and a stray file only makes two
 * snapshots unequal (a second analysis, never a wrong one).
 *
 * <p>The value is a SHA-256 over the files in path order, each as its path's length and bytes and
 * its content's length and bytes, so no two different directories give one stream. A digest, not
 * the bytes themselves: a fleet keeps one key per host for the whole run, and 1,000 hosts with a
 * megabyte of {@code docker inspect} each would otherwise hold a gigabyte of keys. Two different
 * snapshots sharing a SHA-256 is not a case anyone will meet.
 *
 * @param sha256 the digest, in hex
 * @param files how many files went into it
 */
public record SnapshotContent(String sha256, int files) {
  /** Beyond this many files the directory is not a snapshot anyone wrote: it is audited on its own. */
  static final int MAX_FILES = 1_000;

  /**
   * The directory's content, or empty when it cannot be taken as plain bytes: a symbolic link or a
   * special file anywhere under it, a file above the reader's size cap, too many files, or an error
   * while listing or reading. Such a snapshot is audited on its own, as if alone. Never throws.
   */
  public static Optional<SnapshotContent> of(Path dir) {
    java.util.TreeMap<String, Path> files = new java.util.TreeMap<>();
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
        if (!relative.equals("hostname")) { // the host's name is the one thing equal snapshots do not share
          files.put(relative, p);
        }
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, Path> f : files.entrySet()) {
        byte[] name = f.getKey().getBytes(StandardCharsets.UTF_8);
        byte[] bytes = Files.readAllBytes(f.getValue());
        if (bytes.length > SnapshotDirectory.FILE_LIMITS.maxBytes()) {
          return Optional.empty(); // grew since it was listed
        }
        sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(name.length).array());
        sha.update(name);
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
        sha.update(bytes);
      }
      return Optional.of(new SnapshotContent(HexFormat.of().formatHex(sha.digest()), files.size()));
    } catch (IOException | RuntimeException | NoSuchAlgorithmException e) {
      return Optional.empty();
    }
  }
}
