package dev.breakwater.firewall;

import dev.breakwater.policy.FirewallBackend;
import dev.breakwater.system.AtomicFile;
import dev.breakwater.net.IpFamily;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Breakwater's state directory (default {@code /var/lib/breakwater}): the filter table as it was
 * before the last apply (per family), the chain last applied, and the marker of an unconfirmed
 * change. Every write goes to a temporary file in the same directory and is moved into place
 * atomically, so a crash leaves either the old or the new file, never half of one.
 */
public final class StateStore {
  public static final Path DEFAULT = Path.of("/var/lib/breakwater");

  private final Path dir;

  public StateStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public Optional<String> backup(IpFamily family) {
    return read(backupFile(family));
  }

  public void writeBackup(IpFamily family, String saveText) {
    write(backupFile(family), saveText);
  }

  public void deleteBackup(IpFamily family) {
    delete(backupFile(family));
  }

  public Optional<String> applied(IpFamily family) {
    return read(dir.resolve("applied-" + tag(family) + ".rules"));
  }

  public void writeApplied(IpFamily family, String rules) {
    write(dir.resolve("applied-" + tag(family) + ".rules"), rules);
  }

  /** The kind of firewall the last apply wrote to; iptables for a state directory older than the nft backend. */
  public FirewallBackend backend() {
    return read(dir.resolve("backend")).flatMap(FirewallBackend::tryParse).orElse(FirewallBackend.IPTABLES);
  }

  public void writeBackend(FirewallBackend backend) {
    write(dir.resolve("backend"), backend.label() + "\n");
  }

  /**
   * The nft table as it was before the last nft apply: empty when no nft apply made a backup;
   * inside, the {@code nft list table} text, or empty when there was no table (an empty file).
   */
  public Optional<Optional<String>> nftBackup() {
    return read(dir.resolve("backup-nft.nft")).map(text -> text.isEmpty() ? Optional.empty() : Optional.of(text));
  }

  public void writeNftBackup(Optional<String> listing) {
    write(dir.resolve("backup-nft.nft"), listing.orElse(""));
  }

  public void writeNftApplied(String table) {
    write(dir.resolve("applied-nft.nft"), table);
  }

  /** The unconfirmed change: its token, so that an old timer never rolls back a newer change. */
  public Optional<String> pending() {
    return read(dir.resolve("pending")).map(String::strip);
  }

  public void writePending(String token) {
    write(dir.resolve("pending"), token + "\n");
  }

  public void clearPending() {
    delete(dir.resolve("pending"));
  }

  public Path timerLog() {
    return dir.resolve("rollback-timer.log");
  }

  private Path backupFile(IpFamily family) {
    return dir.resolve("backup-" + tag(family) + ".rules");
  }

  private static String tag(IpFamily family) {
    return family.name().toLowerCase(Locale.ROOT);
  }

  private Optional<String> read(Path file) {
    try {
      return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private void write(Path file, String text) {
    try {
      AtomicFile.write(file, text);
    } catch (IOException e) {
      throw new ApplyException("cannot write " + file + ": " + e.getMessage());
    }
  }

  private void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new ApplyException("cannot delete " + file + ": " + e.getMessage());
    }
  }
}
