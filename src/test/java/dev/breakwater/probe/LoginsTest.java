package dev.breakwater.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginsTest {
  @Test
  void aLoginOptionTakesThePasswordFromTheNamedEnvironmentVariable() {
    Logins l = Logins.fromOptions(List.of("mysql=root:DB_PW", "app"), Map.of("DB_PW", "s3cret")::get);
    assertThat(l.forService("mysql")).get().extracting(Login::user, Login::password).containsExactly("root", "s3cret");
    // The unnamed login is for every other data store, without a password.
    assertThat(l.forService("redis")).get().extracting(Login::user, Login::password).containsExactly("app", "");
    assertThat(l.forService("http")).isEmpty();
    assertThat(l.forService("mysql").orElseThrow().toString()).doesNotContain("s3cret");
  }

  @Test
  void aPasswordWrittenOnTheCommandLineOrAnUnsetVariableIsRefused() {
    assertThatThrownBy(() -> Logins.fromOptions(List.of("root:hunter2!"), Map.<String, String>of()::get))
        .isInstanceOf(ProbeInputException.class).hasMessageContaining("NAME of an environment variable")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> Logins.fromOptions(List.of("root:DB_PW"), Map.<String, String>of()::get))
        .isInstanceOf(ProbeInputException.class).hasMessageContaining("DB_PW is not set");
    assertThatThrownBy(() -> Logins.fromOptions(List.of("ftp=root"), Map.<String, String>of()::get))
        .isInstanceOf(ProbeInputException.class).hasMessageContaining("unknown service");
  }

  @Test
  void aLoginFileMustBeTheOwnersAlone(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("logins"), "# store user password\nmysql root pass word\n* admin\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> Logins.fromFile(f)).isInstanceOf(ProbeInputException.class).hasMessageContaining("chmod 600");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    Logins l = Logins.fromFile(f);
    assertThat(l.forService("mysql").orElseThrow().password()).isEqualTo("pass word");
    assertThat(l.forService("mongodb").orElseThrow().user()).isEqualTo("admin");
    assertThat(l.forService("mysql").orElseThrow().source()).endsWith("logins:2");
  }

  @Test
  void aLoginFileLineWithoutAUserNamesItsLine(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("logins"), "redis\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> Logins.fromFile(f)).isInstanceOf(ProbeInputException.class).hasMessageContaining("logins:1");
  }
}
