package dev.breakwater.compose;

import java.nio.file.Path;

/** How file names appear in findings: relative to the working directory when below it. */
public final class DisplayPath {
  private static final Path CWD = Path.of("").toAbsolutePath().normalize();

  private DisplayPath() {}

  public static String display(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    if (abs.startsWith(CWD) && !abs.equals(CWD)) {
      return CWD.relativize(abs).toString();
    }
    return path.toString();
  }
}
