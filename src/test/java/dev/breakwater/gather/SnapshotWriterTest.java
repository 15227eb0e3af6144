package dev.breakwater.gather;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotWriterTest {
  @TempDir Path dir;

  @Test
  void writesAndReplacesFilesLeavingNoTemporaries() throws Exception {
    var writer = new SnapshotWriter(dir.resolve("snap"));
    writer.write("iptables-save.txt", "old\n");
    Path written = writer.write("iptables-save.txt", "*filter\nCOMMIT\n");
    assertThat(written).hasContent("*filter\nCOMMIT");
    try (var files = Files.list(dir.resolve("snap"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("iptables-save.txt");
    }
  }

  @Test
  void namesOutsideTheDirectoryAreRefused() {
    var writer = new SnapshotWriter(dir);
    assertThatThrownBy(() -> writer.write("../x", "y")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.write(".hidden", "y")).isInstanceOf(IllegalArgumentException.class);
  }
}
