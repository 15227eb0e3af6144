package dev.breakwater.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.breakwater.problem.BadInput;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BoundedTextTest {
  private static final BoundedText.Limits ONE_KIB = new BoundedText.Limits(1024, "try again");

  @Test
  void readsARegularFileAndASymlinkToOne(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("a.txt"), "héllo\n");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), file);

    assertThat(BoundedText.read(file, ONE_KIB)).isEqualTo("héllo\n");
    assertThat(BoundedText.read(link, ONE_KIB)).isEqualTo("héllo\n");
  }

  @Test
  void aFileOfExactlyTheCapIsReadAndOneByteMoreIsRefused(@TempDir Path tmp) throws Exception {
    Path exact = Files.writeString(tmp.resolve("exact"), "x".repeat(1024));
    Path over = Files.writeString(tmp.resolve("over"), "x".repeat(1025));

    assertThat(BoundedText.read(exact, ONE_KIB)).hasSize(1024);
    assertThatThrownBy(() -> BoundedText.read(over, ONE_KIB))
        .isInstanceOf(BadInput.class)
        .hasMessage(over + ": expected a regular file of at most 1024 bytes, got 1,025 bytes (try again)");
  }

  @Test
  void theCapIsStatedInMebibytes(@TempDir Path tmp) throws Exception {
    Path big = Files.write(tmp.resolve("big"), new byte[(int) BoundedText.MIB + 1]);

    assertThatThrownBy(() -> BoundedText.read(big, BoundedText.Limits.mib(1, "")))
        .hasMessage(big + ": expected a regular file of at most 1 MiB, got 1,048,577 bytes");
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aFifoIsRefusedWithoutOpeningIt(@TempDir Path tmp) throws Exception {
    Path fifo = tmp.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assumeThat(mkfifo.waitFor()).as("mkfifo available").isZero();

    // Opening a FIFO for reading blocks until a writer comes; the time-out above catches a hang.
    assertThatThrownBy(() -> BoundedText.read(fifo, ONE_KIB))
        .isInstanceOf(BadInput.class)
        .hasMessage(fifo + ": expected a regular file of at most 1024 bytes, got a FIFO (try again)");
  }

  @Test
  void devZeroAndADirectoryAreRefused(@TempDir Path tmp) {
    assertThatThrownBy(() -> BoundedText.read(Path.of("/dev/zero"), ONE_KIB))
        .isInstanceOf(BadInput.class)
        .hasMessage("/dev/zero: expected a regular file of at most 1024 bytes, got a character device (try again)");
    assertThatThrownBy(() -> BoundedText.read(tmp, ONE_KIB))
        .hasMessage(tmp + ": expected a regular file of at most 1024 bytes, got a directory (try again)");
  }

  @Test
  void aFileLongerThanItClaimsIsCutAtTheCapAndRefused() {
    // /proc files claim 0 bytes (proc(5)); this one is longer than 16 bytes.
    Path status = Path.of("/proc/self/status");
    assumeThat(Files.isRegularFile(status)).isTrue();

    assertThatThrownBy(() -> BoundedText.read(status, new BoundedText.Limits(16, "")))
        .isInstanceOf(BadInput.class)
        .hasMessage(status + ": expected a regular file of at most 16 bytes, got more than that while reading it (it claimed 0 bytes)");
  }

  @Test
  void invalidUtf8IsRefusedAndAMissingFileIsLeftToTheCaller(@TempDir Path tmp) throws Exception {
    Path latin1 = Files.write(tmp.resolve("latin1"), new byte[] {'a', (byte) 0xe9, 'b'});

    assertThatThrownBy(() -> BoundedText.read(latin1, ONE_KIB))
        .isInstanceOf(BadInput.class)
        .hasMessage(latin1 + ": not UTF-8 text (try again)");
    assertThatThrownBy(() -> BoundedText.read(tmp.resolve("absent"), ONE_KIB))
        .isInstanceOf(NoSuchFileException.class);
  }
}
