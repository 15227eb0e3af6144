package dev.breakwater.firewall;

import dev.breakwater.problem.EnvironmentProblem;
import dev.breakwater.system.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Breakwater's state directory (default {@code /var/lib/breakwater}): the journal of changes, its
 * lock, the backups and policy copies the journal names, and the logs. Whoever can write here
 * decides what a rollback puts into the kernel, so the directory is checked before every use
 * ({@link #check}): a real directory (not a link), mode 0700 when Breakwater creates it, never
 * group- or world-writable, owned by root when Breakwater runs as root. No read or write follows
 * a symbolic link ({@code O_NOFOLLOW}); every write goes through {@link AtomicFile} (temporary
 * file, fsync, rename, fsync of the directory), so a crash leaves the old file or the new one.
 */
public final class StateStore {
  public static final Path DEFAULT = Path.of("/var/lib/breakwater");

  /** Reads of state files are small (a filter table, a policy): a larger file is not ours. */
  static final long MAX_FILE_BYTES = 64L << 20;

  /** How a file is put in place; a seam so that a test can make a write fail after the kernel changed. */
  @FunctionalInterface
  interface FileWriter {
    void write(Path file, byte[] content) throws IOException;
  }

  private final Path dir;
  private final FileWriter writer;

  public StateStore(Path dir) {
    this(dir, AtomicFile::write);
  }

  StateStore(Path dir, FileWriter writer) {
    this.dir = dir.toAbsolutePath().normalize();
    this.writer = writer;
  }

  public Path dir() {
    return dir;
  }

  /**
   * Creates the directory (mode 0700) when it is missing, else checks it.
   *
   * @throws EnvironmentProblem naming the path and the command that fixes it
   */
  public void check() {
    try {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir.getParent());
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        // createDirectory applies the umask; say the mode once more.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
      PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isSymbolicLink()) {
        throw new EnvironmentProblem("state directory " + dir + " is a symbolic link (to " + Files.readSymbolicLink(dir)
            + "): Breakwater follows no links there; replace it with a directory: rm " + dir + " && mkdir -m 0700 " + dir);
      }
      if (!attributes.isDirectory()) {
        throw new EnvironmentProblem("state directory " + dir + " is not a directory; move it aside and run again");
      }
      Set<PosixFilePermission> mode = attributes.permissions();
      if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new EnvironmentProblem("state directory " + dir + " is writable by others (mode "
            + PosixFilePermissions.toString(mode) + "): anyone who can write there decides what a rollback restores; run: chmod 0700 " + dir);
      }
      if (runningAsRoot() && !attributes.owner().getName().equals("root")) {
        throw new EnvironmentProblem("state directory " + dir + " is owned by " + attributes.owner().getName()
            + ", not root: its owner decides what a rollback restores; run: chown root:root " + dir + " && chmod 0700 " + dir);
      }
    } catch (IOException e) {
      throw new EnvironmentProblem("cannot use the state directory " + dir + ": " + e.getMessage()
          + " (choose another with --state-dir)", e);
    }
  }

  private static boolean runningAsRoot() {
    return dev.breakwater.system.CommandRunner.runningAsRoot();
  }

  /** The file {@code name} in the directory, read without following a link; empty when there is none. */
  public Optional<String> read(String name) {
    Path file = file(name);
    try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new EnvironmentProblem(file + " is not a regular file: not Breakwater's; move it aside");
      }
      byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new EnvironmentProblem(file + " is larger than " + (MAX_FILE_BYTES >> 20) + " MiB: not Breakwater's; move it aside");
      }
      return Optional.of(new String(bytes, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // ELOOP: the name is a symbolic link, which O_NOFOLLOW refuses.
      String why = Files.isSymbolicLink(file) ? "it is a symbolic link, which Breakwater does not follow here" : e.getMessage();
      throw new EnvironmentProblem("cannot read " + file + ": " + why + "; move it aside (mv " + file + " " + file + ".suspect)");
    }
  }

  /** Replaces {@code name} atomically. @throws ApplyException naming the file and why */
  public void write(String name, String text) {
    Path file = file(name);
    try {
      writer.write(file, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ApplyException("cannot write " + file + ": " + e.getMessage());
    }
  }

  /** Removes {@code name} (a link is removed, never followed). */
  public void delete(String name) {
    try {
      Files.deleteIfExists(file(name));
    } catch (IOException e) {
      throw new ApplyException("cannot delete " + file(name) + ": " + e.getMessage());
    }
  }

  /** The names of the regular files in the directory that start with {@code prefix}. */
  List<String> names(String prefix) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path file : files) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          names.add(file.getFileName().toString());
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new EnvironmentProblem("cannot list " + dir + ": " + e.getMessage());
    }
    return names.stream().sorted().toList();
  }

  /** Appends one line to {@code name} (created 0600), forced to disk; never through a link. */
  void append(String name, String line) throws IOException {
    try (FileChannel channel = FileChannel.open(file(name), Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      if (!line.isEmpty()) {
        channel.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
    }
  }

  /** Opens (creating) {@code name} for a lock, without following a link. */
  FileChannel openForLock(String name) throws IOException {
    return FileChannel.open(file(name), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
  }

  /**
   * The rollback timer's log: created here as a regular file (never through a link) so that the
   * timer, which appends to it by name, writes where it is meant to.
   */
  public Path timerLog() {
    try {
      append("rollback-timer.log", "");
    } catch (IOException e) {
      throw new ApplyException("cannot open " + file("rollback-timer.log") + ": " + e.getMessage());
    }
    return file("rollback-timer.log");
  }

  /** The path of the state file {@code name} (a plain name: no directories, not hidden). */
  public Path file(String name) {
    if (name.contains("/") || name.startsWith(".")) {
      throw new IllegalArgumentException("not a state file name: " + name);
    }
    return dir.resolve(name);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
