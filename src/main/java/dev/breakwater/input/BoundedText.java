package dev.breakwater.input;

import dev.breakwater.problem.BadInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a whole text file a user named, refusing what would hang or exhaust memory: only a
 * regular file (a symbolic link to one is fine; a FIFO would block the open forever, {@code
 * /dev/zero} never ends), at most {@link Limits#maxBytes()} bytes (checked on the size the file
 * claims, and again while reading: a file that grows, or one in /proc that claims 0 bytes, is
 * read to at most the cap plus one byte), and strict UTF-8.
 */
public final class BoundedText {
  public static final long MIB = 1024 * 1024;

  /**
   * @param maxBytes the largest file accepted
   * @param remedy what the user can do, appended to every refusal in parentheses (empty: none)
   */
  public record Limits(long maxBytes, String remedy) {
    public Limits {
      if (maxBytes < 1 || maxBytes >= Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("maxBytes out of range: " + maxBytes);
      }
    }

    public static Limits mib(int mib, String remedy) {
      return new Limits(mib * MIB, remedy);
    }

    String suffix() {
      return remedy.isEmpty() ? "" : " (" + remedy + ")";
    }

    String describe() {
      return maxBytes % MIB == 0 ? maxBytes / MIB + " MiB" : maxBytes + " bytes";
    }
  }

  private BoundedText() {}

  /**
   * @throws NoSuchFileException when there is nothing at {@code path} (callers say what produces it)
   * @throws BadInput for anything else that is not a regular UTF-8 file within the cap
   */
  public static String read(Path path, Limits limits) throws NoSuchFileException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      throw new BadInput(path + ": cannot read: " + e.getMessage() + limits.suffix());
    }
    if (!attributes.isRegularFile()) {
      throw refusal(path, limits, kind(path, attributes));
    }
    if (attributes.size() > limits.maxBytes()) {
      throw refusal(path, limits, size(attributes.size()));
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes((int) limits.maxBytes() + 1);
    } catch (IOException e) {
      throw new BadInput(path + ": cannot read: " + e.getMessage() + limits.suffix());
    }
    if (bytes.length > limits.maxBytes()) {
      throw refusal(path, limits, "more than that while reading it (it claimed " + size(attributes.size()) + ")");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadInput(path + ": not UTF-8 text" + limits.suffix());
    }
  }

  private static BadInput refusal(Path path, Limits limits, String got) {
    return new BadInput(path + ": expected a regular file of at most " + limits.describe() + ", got " + got
        + limits.suffix());
  }

  private static String size(long bytes) {
    return String.format(java.util.Locale.ROOT, "%,d bytes", bytes);
  }

  /** What stands at the path; the file type bits are those of stat(2)'s st_mode (inode(7)). */
  private static String kind(Path path, BasicFileAttributes attributes) {
    if (attributes.isDirectory()) {
      return "a directory";
    }
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      return switch (mode & 0170000) {
        case 0010000 -> "a FIFO";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0140000 -> "a socket";
        default -> "a special file";
      };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "a special file";
    }
  }
}
