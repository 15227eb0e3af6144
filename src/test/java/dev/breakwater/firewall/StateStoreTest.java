package dev.breakwater.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.problem.EnvironmentProblem;
import dev.breakwater.system.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
  @TempDir Path tmp;

  @Test
  void aMissingDirectoryIsCreatedPrivate() throws IOException {
    StateStore store = new StateStore(tmp.resolve("a/b/state"));
    store.check();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.dir()))).isEqualTo("rwx------");
  }

  @Test
  void aDirectoryOthersCanWriteIsRefusedWithTheCommandThatFixesIt() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("state"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> new StateStore(dir).check())
        .isInstanceOf(EnvironmentProblem.class)
        .hasMessage("state directory " + dir + " is writable by others (mode rwxrwxrwx): anyone who can write there decides what a"
            + " rollback restores; run: chmod 0700 " + dir);
  }

  @Test
  void aLinkedDirectoryIsRefused() throws IOException {
    Path real = Files.createDirectory(tmp.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(tmp.resolve("state"), real);
    assertThatThrownBy(() -> new StateStore(link).check())
        .isInstanceOf(EnvironmentProblem.class)
        .hasMessageContaining("state directory " + link + " is a symbolic link (to " + real + ")")
        .hasMessageContaining("mkdir -m 0700 " + link);
  }

  @Test
  void aDirectoryNotRootsIsRefusedWhenRunningAsRoot() throws IOException {
    Assumptions.assumeTrue(CommandRunner.runningAsRoot(), "the owner check applies to root");
    Path dir = Files.createDirectory(tmp.resolve("state"));
    UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(dir, nobody);
    assertThatThrownBy(() -> new StateStore(dir).check())
        .hasMessage("state directory " + dir + " is owned by nobody, not root: its owner decides what a rollback restores; run: chown"
            + " root:root " + dir + " && chmod 0700 " + dir);
  }

  private StateStore checked() {
    StateStore store = new StateStore(tmp.resolve("state"));
    store.check();
    return store;
  }

  @Test
  void noReadFollowsALinkPlantedInTheDirectory() throws IOException {
    StateStore store = checked();
    Path secret = Files.writeString(tmp.resolve("secret"), "not a backup");
    Files.createSymbolicLink(store.file("journal"), secret);
    assertThatThrownBy(() -> store.read("journal"))
        .isInstanceOf(EnvironmentProblem.class)
        .hasMessageContaining("cannot read " + store.file("journal") + ": it is a symbolic link, which Breakwater does not follow here");
  }

  @Test
  void theTimerLogIsNeverOpenedThroughALink() throws IOException {
    StateStore store = checked();
    Path target = Files.writeString(tmp.resolve("passwd"), "root:x:0:0\n");
    Files.createSymbolicLink(store.file("rollback-timer.log"), target);
    assertThatThrownBy(store::timerLog).isInstanceOf(ApplyException.class).hasMessageContaining("cannot open " + store.file("rollback-timer.log"));
    assertThat(Files.readString(target)).isEqualTo("root:x:0:0\n");
  }

  @Test
  void aWriteReplacesALinkNeverTheFileBehindIt() throws IOException {
    StateStore store = checked();
    Path target = Files.writeString(tmp.resolve("target"), "keep\n");
    Files.createSymbolicLink(store.file("journal"), target);
    assertThatThrownBy(() -> store.write("journal", "x")).isInstanceOf(ApplyException.class).hasMessageContaining("symbolic link");
    assertThat(Files.readString(target)).isEqualTo("keep\n");
  }
}
