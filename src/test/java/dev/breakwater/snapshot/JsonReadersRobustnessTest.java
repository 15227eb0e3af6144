package dev.breakwater.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.breakwater.problem.InputProblem;
import dev.breakwater.net.IpFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Damaged command output must end in an error the user can act on, never in a stray
 * exception (a stack trace). Every corpus file is cut short at many places and has values
 * replaced by values of the wrong type; each reader must either accept the result or throw an
 * {@link InputProblem} whose message starts with the file name and a line number.
 */
class JsonReadersRobustnessTest {

  private record Reader(String file, Consumer<String> read) {}

  private static final List<Reader> READERS = List.of(
      new Reader("docker-inspect.json", text -> DockerInspectReader.read(text, "f.json")),
      new Reader("ip-addr.json", text -> IpAddrReader.read(text, "f.json")),
      new Reader("ip-route.json", text -> IpRouteReader.read(text, "f.json", IpFamily.V4)),
      new Reader("nft-ruleset.json", text -> NftJsonReader.read(text, "f.json", dev.breakwater.net.IpFamily.V4, java.util.Set.of())),
      // daemon.json's one reader (hostconf), with everything the snapshot and the audit read from it.
      new Reader("daemon.json", text -> {
        dev.breakwater.hostconf.DaemonJsonKeys keys = dev.breakwater.hostconf.DaemonJsonKeys.parse(text, "f.json");
        dev.breakwater.host.DaemonConfig.of(keys);
        dev.breakwater.hostconf.DaemonJsonChecks.of(keys);
      }));

  @Test
  void truncatedFilesGiveAPositionedError() throws Exception {
    int checked = 0;
    for (Path dir : SnapshotDirectoryTest.scenarios().toList()) {
      for (Reader reader : READERS) {
        Path file = dir.resolve(reader.file());
        if (!Files.exists(file)) {
          continue;
        }
        String text = Files.readString(file);
        for (int cut = 1; cut < text.strip().length(); cut += 53) {
          assertUsable(reader, text.substring(0, cut));
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(500);
  }

  @Test
  void valuesOfTheWrongTypeGiveAPositionedError() throws Exception {
    Random random = new Random(20261124);
    String[] replacements = {"17", "true", "null", "[]", "{}", "\"\"", "\"x/y\"", "-1", "\"999999\""};
    int rejected = 0;
    for (Path dir : SnapshotDirectoryTest.scenarios().toList()) {
      for (Reader reader : READERS) {
        Path file = dir.resolve(reader.file());
        if (!Files.exists(file)) {
          continue;
        }
        String text = Files.readString(file);
        for (int i = 0; i < 40; i++) {
          // Replace one string value (a quoted token after a colon) with something else.
          int at = text.indexOf(": \"", random.nextInt(text.length()));
          if (at < 0) {
            at = text.indexOf(":\"", random.nextInt(text.length()));
          }
          if (at < 0) {
            continue;
          }
          int open = text.indexOf('"', at);
          int close = text.indexOf('"', open + 1);
          String damaged = text.substring(0, open) + replacements[random.nextInt(replacements.length)]
              + text.substring(close + 1);
          if (assertUsable(reader, damaged)) {
            rejected++;
          }
        }
      }
    }
    assertThat(rejected).as("some damage must be detected, or the test proves nothing").isGreaterThan(50);
  }

  /** @return true when the reader rejected the text */
  private static boolean assertUsable(Reader reader, String text) {
    Throwable thrown = catchThrowable(() -> reader.read().accept(text));
    if (thrown == null) {
      return false;
    }
    assertThat(thrown).as("%s on %s", reader.file(), text.length() > 200 ? text.substring(text.length() - 200) : text)
        .isInstanceOf(InputProblem.class);
    assertThat(thrown.getMessage()).matches("f\\.json(:\\d+:\\d+)?: .*");
    return true;
  }
}
