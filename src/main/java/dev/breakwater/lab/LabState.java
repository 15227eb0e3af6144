package dev.breakwater.lab;

import dev.breakwater.system.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a lab run made that is not found by name alone, saved after every step so that {@code
 * down} (or the next {@code up} after a crash) removes exactly that.
 *
 * @param mountHolderPid the process keeping the private mount namespace alive, 0 when none yet
 * @param mountNamespace its {@code /proc/PID/ns/mnt} link text ({@code mnt:[4026532317]}), so a
 *     reused pid is never mistaken for ours
 * @param dockerdPid the lab's dockerd, 0 when not started
 */
record LabState(String scenario, long mountHolderPid, String mountNamespace, long dockerdPid) {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static LabState started(String scenario) {
    return new LabState(scenario, 0, "", 0);
  }

  LabState withMountHolder(long pid, String namespace) {
    return new LabState(scenario, pid, namespace, dockerdPid);
  }

  LabState withDockerd(long pid) {
    return new LabState(scenario, mountHolderPid, mountNamespace, pid);
  }

  void save(Path file) {
    try {
      AtomicFile.write(file, JSON.writeValueAsString(this));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the lab state to " + file + ": " + e.getMessage(), e);
    }
  }

  static Optional<LabState> load(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(Files.readString(file), LabState.class));
    } catch (IOException | JacksonException e) {
      // A half-written state from a crash: down still removes everything found by name.
      return Optional.empty();
    }
  }
}
