package dev.breakwater.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir Path dir;

  @Test
  void replacesTheContentAndKeepsTheMode() throws Exception {
    Path file = Files.writeString(dir.resolve("compose.yaml"), "old\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    AtomicFile.write(file, "new\n");
    assertThat(Files.readString(file)).isEqualTo("new\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
    assertThat(dir.toFile().list()).containsExactly("compose.yaml");
  }

  @Test
  void whenTheRenameFailsTheOriginalIsIntactAndNoTemporaryFileStays() throws Exception {
    Path file = Files.writeString(dir.resolve("compose.yaml"), "original\n");
    assertThatThrownBy(() -> AtomicFile.write(file, "replacement\n".getBytes(StandardCharsets.UTF_8), (from, to) -> {
      throw new IOException("rename failed (injected)");
    })).isInstanceOf(IOException.class).hasMessageContaining("injected");
    assertThat(Files.readString(file)).isEqualTo("original\n");
    assertThat(dir.toFile().list()).containsExactly("compose.yaml");
  }

  @Test
  void aSymbolicLinkIsNotWrittenThrough() throws Exception {
    Path real = Files.writeString(dir.resolve("real.yaml"), "real\n");
    Path link = Files.createSymbolicLink(dir.resolve("compose.yaml"), real);
    assertThatThrownBy(() -> AtomicFile.write(link, "x\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("is a symbolic link");
    assertThat(Files.readString(real)).isEqualTo("real\n");
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  @Test
  void aNewFileIsCreated() throws Exception {
    AtomicFile.write(dir.resolve("sub/state"), "s\n");
    assertThat(Files.readString(dir.resolve("sub/state"))).isEqualTo("s\n");
  }
}
