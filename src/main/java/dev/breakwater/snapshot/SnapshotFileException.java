package dev.breakwater.snapshot;

import dev.breakwater.problem.InputProblem;

/**
 * A snapshot file that is not what the command that should have produced it writes. The message
 * reads {@code file:line:col: expected ...} when the place is known, {@code file: ...} otherwise.
 */
public final class SnapshotFileException extends RuntimeException implements InputProblem {
  private final String file;

  public SnapshotFileException(String file, String message) {
    super(file + ": " + message);
    this.file = file;
  }

  public SnapshotFileException(String file, int line, int column, String expected) {
    super(file + ":" + line + ":" + column + ": " + expected);
    this.file = file;
  }

  public String file() {
    return file;
  }
}
