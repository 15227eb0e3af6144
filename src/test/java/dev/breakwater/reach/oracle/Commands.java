package dev.breakwater.reach.oracle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one external command from an argument list, with a time-out, and reports stderr on failure. */
final class Commands {
  private Commands() {}

  static String run(List<String> command) throws IOException {
    return run(command, null, false);
  }

  /** Runs a command whose failure is expected and harmless (deleting what may not exist). */
  static void runQuietly(List<String> command) {
    try {
      run(command, null, true);
    } catch (IOException e) {
      // Cleanup of something that may already be gone: nothing to report.
    }
  }

  static String run(List<String> command, String stdin) throws IOException {
    return run(command, stdin, false);
  }

  private static String run(List<String> command, String stdin, boolean mayFail) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    Path err = Files.createTempFile("bwo-", ".err");
    pb.redirectError(err.toFile());
    if (stdin == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    try {
      Process p = pb.start();
      if (stdin != null) {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": timed out after 30 s");
      }
      if (p.exitValue() != 0 && !mayFail) {
        throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": "
            + Files.readString(err).strip());
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + ": interrupted", e);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
