package dev.breakwater.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged units pass {@code systemd-analyze verify} (systemd-analyze(1)): the unit files
 * parse, every key is known, every value is valid, and the ExecStart binary exists. verify exits
 * 0 on unknown keys and unparsable values (it only logs "Unknown key ..., ignoring"), so the test
 * also requires that it says nothing about our files. The units name /usr/local/bin/breakwater,
 * absent where the tests run: they are verified as copies whose ExecStart points at a stand-in
 * executable, the one change made to them.
 */
class SystemdUnitsTest {
  static final List<String> UNITS = List.of("breakwater.service", "breakwater-watch.service");
  static final String INSTALLED = "/usr/local/bin/breakwater";

  @TempDir Path tmp;

  static Path analyze() {
    Optional<Path> tool = CommandRunner.find("systemd-analyze");
    if (tool.isEmpty()) {
      System.out.println("SystemdUnitsTest skipped: systemd-analyze is not installed (CI installs systemd, see .ci/run)");
    }
    Assumptions.assumeTrue(tool.isPresent(), "systemd-analyze is not installed (apt-get install systemd)");
    return tool.get();
  }

  /** Copies of the units in {@code dir} with ExecStart on a stand-in for the installed binary. */
  List<Path> copies(Path dir, String extraServiceLine) throws IOException {
    Path binary = dir.resolve("breakwater");
    Files.writeString(binary, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<Path> units = new ArrayList<>();
    for (String unit : UNITS) {
      String text = Files.readString(Path.of("packaging", unit));
      assertThat(text).as(unit + " starts the installed binary").contains("ExecStart=" + INSTALLED + " ");
      text = text.replace(INSTALLED, binary.toString()).replace("[Service]\n", "[Service]\n" + extraServiceLine);
      units.add(Files.writeString(dir.resolve(unit), text));
    }
    return units;
  }

  static CommandRunner.Result verify(Path analyze, List<Path> units) {
    List<String> argv = new ArrayList<>(List.of(analyze.toString(), "verify", "--man=no"));
    units.forEach(u -> argv.add(u.toString()));
    return CommandRunner.local().run(argv, Duration.ofSeconds(60));
  }

  /** What verify said about our files (it may also talk about the host's own units). */
  static List<String> aboutOurs(CommandRunner.Result result) {
    return (result.stdout() + result.stderr()).lines()
        .filter(line -> UNITS.stream().anyMatch(line::contains))
        .toList();
  }

  @Test
  void thePackagedUnitsVerifyClean() throws IOException {
    Path analyze = analyze();

    CommandRunner.Result result = verify(analyze, copies(tmp, ""));

    assertThat(aboutOurs(result)).as(result.stderr()).isEmpty();
    assertThat(result.exitCode()).as(result.stderr()).isZero();
  }

  /** The check can fail: a misspelt key is caught although verify exits 0 for it. */
  @Test
  void aMisspeltKeyIsCaught() throws IOException {
    Path analyze = analyze();

    CommandRunner.Result result = verify(analyze, copies(tmp, "RestartPreventExitStatuss=1\n"));

    assertThat(aboutOurs(result)).isNotEmpty().allSatisfy(line -> assertThat(line).contains("RestartPreventExitStatuss"));
  }
}
