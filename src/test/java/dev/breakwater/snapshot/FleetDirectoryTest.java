package dev.breakwater.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which directories are hosts of a fleet, and what a host is called. */
class FleetDirectoryTest {

  @Test
  void aFleetIsItsSnapshotLikeSubdirectoriesByNameAndNothingElse(@TempDir Path fleet) throws IOException {
    Files.createDirectories(fleet.resolve("b"));
    Files.writeString(fleet.resolve("b/iptables-save.txt"), "");
    Files.createDirectories(fleet.resolve("a"));
    Files.writeString(fleet.resolve("a/ip-addr.json"), "[]");      // half-copied: still a host
    Files.createDirectories(fleet.resolve("logs"));                 // no snapshot file: not a host
    Files.createDirectories(fleet.resolve(".git"));
    Files.writeString(fleet.resolve(".git/iptables-save.txt"), ""); // hidden: not a host
    Files.writeString(fleet.resolve("c"), "a file");

    assertThat(FleetDirectory.isFleet(fleet)).isTrue();
    assertThat(FleetDirectory.isFleet(fleet.resolve("b"))).isFalse();
    assertThat(FleetDirectory.expand(List.of(fleet))).containsExactly(abs(fleet.resolve("a")), abs(fleet.resolve("b")));
  }

  @Test
  void aDirectoryWithoutSnapshotsIsNotAFleetAndStaysItself(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("empty"));

    assertThat(FleetDirectory.isFleet(dir)).isFalse();
    assertThat(FleetDirectory.isFleet(dir.resolve("missing"))).isFalse();
    assertThat(FleetDirectory.expand(List.of(dir))).containsExactly(abs(dir));
  }

  @Test
  void everyDirectoryIsAuditedOnceInTheOrderGiven() {
    Path one = Corpus.dir("docker-28-ufw-bypass");
    Path two = Corpus.dir("input-only-belief");

    assertThat(FleetDirectory.expand(List.of(two, one, two.resolve("../input-only-belief"))))
        .containsExactly(abs(two), abs(one));
  }

  @Test
  void aHostIsNamedByItsHostnameFileElseByItsDirectory(@TempDir Path dir) throws IOException {
    Path named = Files.createDirectories(dir.resolve("snap-1"));
    Files.writeString(named.resolve("hostname"), "\n  db-01  \n");
    Path unnamed = Files.createDirectories(dir.resolve("snap-2"));

    assertThat(SnapshotDirectory.hostname(named)).isEqualTo("db-01");
    assertThat(SnapshotDirectory.hostname(unnamed)).isEqualTo("snap-2");
    assertThat(SnapshotDirectory.hostname(Corpus.dir("docker-28-ufw-bypass")))
        .isEqualTo(Corpus.facts("docker-28-ufw-bypass").hostname());
  }

  private static Path abs(Path p) {
    return p.toAbsolutePath().normalize();
  }
}
